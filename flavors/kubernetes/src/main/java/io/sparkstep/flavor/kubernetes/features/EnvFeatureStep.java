package io.sparkstep.flavor.kubernetes.features;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain environment for driver and executors. Secret-looking names were refused with the operator settings: their
 * values would be written into the pod spec; {@link SecretsFeatureStep} references Secrets instead.
 */
final class EnvFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = new LinkedHashMap<>();
    plan.settings().env().forEach((name, value) -> {
      conf.put("spark.kubernetes.driverEnv." + name, value);
      conf.put("spark.executorEnv." + name, value);
    });
    return plan.withConf(conf);
  }
}
