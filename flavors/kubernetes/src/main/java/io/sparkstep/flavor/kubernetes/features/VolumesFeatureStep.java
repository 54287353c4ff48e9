package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.settings.VolumeSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** The operator's volumes, mounted in driver and executors through Spark's volume conf. */
final class VolumesFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = new LinkedHashMap<>();
    plan.settings().volumes().forEach((name, value) -> {
      VolumeSpec volume = VolumeSpec.parse(name, value);
      conf.putAll(volume.sparkConf("driver"));
      conf.putAll(volume.sparkConf("executor"));
    });
    return plan.withConf(conf);
  }
}
