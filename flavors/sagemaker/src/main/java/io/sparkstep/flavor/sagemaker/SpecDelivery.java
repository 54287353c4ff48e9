package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.remote.SpecChannel;
import java.util.Map;

/**
 * How the spec reaches the entrypoint in the container. SageMaker's CreateTrainingJob caps each Environment value at
 * 512 characters (and the map at 100 entries), so only tiny specs travel as {@code SPARKSTEP_SPEC}; anything larger is
 * uploaded to the spec store and passed as {@code SPARKSTEP_SPEC_URI} (the SPI's {@link SpecChannel}; this class
 * owns only SageMaker's limits and where the store puts the copy).
 */
final class SpecDelivery {
  static final int MAX_ENV_VALUE_CHARS = 512;
  static final int MAX_ENV_ENTRIES = 100;

  /** In bytes, which bound the characters the API counts. */
  static final SpecChannel CHANNEL = new SpecChannel(MAX_ENV_VALUE_CHARS);

  private SpecDelivery() {
  }

  /** The environment entries that deliver the spec and name the run directory; uploads the spec when needed. */
  static Map<String, String> environment(String specJson, String runId, SpecStore store) {
    return CHANNEL.environment(specJson, SpecStore.forContainer(runDir(store, runId)), json -> {
      String location = store.location(runId, "spec.json");
      store.write(location, json);
      return SpecStore.forContainer(location);
    });
  }

  /** Where the entrypoint writes record.json for this run. */
  static String runDir(SpecStore store, String runId) {
    return store.location(runId, "run");
  }
}
