package io.sparkstep.flavor.kubernetes.features;

/**
 * Kubernetes Secrets by reference only: environment variables from a Secret's key ({@code secretKeyRef}) and Secrets
 * mounted as volumes, in driver and executors. The pod spec names the Secret; its value never leaves the cluster.
 */
final class SecretsFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    plan.settings().secretEnv().forEach((name, ref) -> {
      plan.sparkConf().put("spark.kubernetes.driver.secretKeyRef." + name, ref);
      plan.sparkConf().put("spark.kubernetes.executor.secretKeyRef." + name, ref);
    });
    plan.settings().secretVolumes().forEach((secret, path) -> {
      plan.sparkConf().put("spark.kubernetes.driver.secrets." + secret, path);
      plan.sparkConf().put("spark.kubernetes.executor.secrets." + secret, path);
    });
  }
}
