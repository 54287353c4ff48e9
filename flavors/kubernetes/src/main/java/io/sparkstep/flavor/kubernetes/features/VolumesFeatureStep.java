package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.VolumeSpec;

/** The operator's volumes, mounted in driver and executors through Spark's volume conf. */
final class VolumesFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    plan.settings().volumes().forEach((name, value) -> {
      VolumeSpec volume = VolumeSpec.parse(name, value);
      plan.sparkConf().putAll(volume.sparkConf("driver"));
      plan.sparkConf().putAll(volume.sparkConf("executor"));
    });
  }
}
