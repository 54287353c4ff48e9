package io.sparkstep.flavor.vertex;

import io.sparkstep.runtime.StepEntrypoint;
import io.sparkstep.spec.StepSpec;
import io.sparkstep.spec.StepSpecJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the spec reaches the entrypoint in the container: inline as {@code $SPARKSTEP_SPEC} when it is small enough,
 * else uploaded to {@code <stagingUri>/runs/<run>/spec.json} and named by {@code $SPARKSTEP_SPEC_URI}. The spec holds
 * only redacted operator settings and {@code ${ENV}} references, so neither form carries a secret.
 */
final class SpecDelivery {
  private SpecDelivery() {
  }

  /** The container environment: the operator's env settings, then the spec and run directory variables. */
  static Map<String, String> containerEnv(StepSpec containerSpec, VertexSettings settings, ObjectStore store,
      String runDirUri) {
    Map<String, String> env = new LinkedHashMap<>(settings.env);
    String json = StepSpecJson.write(containerSpec);
    if (json.getBytes(StandardCharsets.UTF_8).length <= settings.specEnvMaxBytes) {
      env.put(StepEntrypoint.SPEC_ENV, json);
    } else {
      String specUri = runDirUri + "/spec.json";
      store.write(specUri, json);
      env.put(StepEntrypoint.SPEC_URI_ENV, specUri);
    }
    env.put(StepEntrypoint.RUN_DIR_ENV, runDirUri);
    return env;
  }
}
