package io.sparkstep.flavor.kubernetes.features;

/**
 * Plain environment for driver and executors. Secret-looking names were refused with the operator settings: their
 * values would be written into the pod spec; {@link SecretsFeatureStep} references Secrets instead.
 */
final class EnvFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    plan.settings().env().forEach((name, value) -> {
      plan.sparkConf().put("spark.kubernetes.driverEnv." + name, value);
      plan.sparkConf().put("spark.executorEnv." + name, value);
    });
  }
}
