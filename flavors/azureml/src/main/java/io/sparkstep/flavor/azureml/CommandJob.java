package io.sparkstep.flavor.azureml;

import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The azureml flavor's handle data: the run's command job, its workspace, and where its entrypoint writes. Stored
 * under the keys azureml records have always had ({@code job}, {@code workspace}, {@code runDir}).
 */
record CommandJob(String name, String workspace, String runDir) implements PlatformHandle {

  static CommandJob of(RunRecord record) {
    return new CommandJob(record.platform.get("job"), record.platform.get("workspace"),
        record.platform.get("runDir"));
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("job", name);
    entries.put("workspace", workspace);
    entries.put("runDir", runDir);
    return entries;
  }
}
