package io.sparkstep.flavor.sagemaker;

import io.sparkstep.runtime.StepEntrypoint;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the spec reaches the entrypoint in the container. SageMaker's CreateTrainingJob caps each Environment value at
 * 512 characters (and the map at 100 entries), so only tiny specs travel as {@code SPARKSTEP_SPEC}; anything larger is
 * uploaded to the spec store and passed as {@code SPARKSTEP_SPEC_URI}.
 */
final class SpecDelivery {
  static final int MAX_ENV_VALUE_CHARS = 512;
  static final int MAX_ENV_ENTRIES = 100;

  private SpecDelivery() {
  }

  static boolean fitsEnvironment(String specJson) {
    return specJson.length() <= MAX_ENV_VALUE_CHARS;
  }

  /** The environment entries that deliver the spec and name the run directory; uploads the spec when needed. */
  static Map<String, String> environment(String specJson, String runId, SpecStore store) {
    Map<String, String> env = new LinkedHashMap<>();
    if (fitsEnvironment(specJson)) {
      env.put(StepEntrypoint.SPEC_ENV, specJson);
    } else {
      String location = store.location(runId, "spec.json");
      store.write(location, specJson);
      env.put(StepEntrypoint.SPEC_URI_ENV, SpecStore.forContainer(location));
    }
    env.put(StepEntrypoint.RUN_DIR_ENV, SpecStore.forContainer(runDir(store, runId)));
    return env;
  }

  /** Where the entrypoint writes record.json for this run. */
  static String runDir(SpecStore store, String runId) {
    return store.location(runId, "run");
  }
}
