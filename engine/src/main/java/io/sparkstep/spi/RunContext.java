package io.sparkstep.spi;

import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunStore;
import java.nio.file.Path;

/**
 * What the engine hands a flavor for one run: the record to keep current, the store that persists it, and the local
 * log file that {@code logs --follow} reads.
 */
public record RunContext(RunRecord record, RunStore store, OperatorConfig operator) {

  public Path logFile() {
    return store.logFile(record.runId);
  }

  public Path runDir() {
    return store.runDir(record.runId);
  }

  public void save() {
    store.save(record);
  }
}
