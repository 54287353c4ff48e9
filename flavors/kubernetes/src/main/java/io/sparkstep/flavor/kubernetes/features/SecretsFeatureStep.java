package io.sparkstep.flavor.kubernetes.features;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kubernetes Secrets by reference only: environment variables from a Secret's key ({@code secretKeyRef}) and Secrets
 * mounted as volumes, in driver and executors. The pod spec names the Secret; its value never leaves the cluster.
 */
final class SecretsFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = new LinkedHashMap<>();
    plan.settings().secretEnv().forEach((name, ref) -> {
      conf.put("spark.kubernetes.driver.secretKeyRef." + name, ref);
      conf.put("spark.kubernetes.executor.secretKeyRef." + name, ref);
    });
    plan.settings().secretVolumes().forEach((secret, path) -> {
      conf.put("spark.kubernetes.driver.secrets." + secret, path);
      conf.put("spark.kubernetes.executor.secrets." + secret, path);
    });
    return plan.withConf(conf);
  }
}
