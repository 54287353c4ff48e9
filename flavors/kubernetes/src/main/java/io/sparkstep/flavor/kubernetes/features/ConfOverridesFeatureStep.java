package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's {@code conf.*} (but for what the step's own resources set) and then the step's own {@code sparkConf}
 * go last, so they win over profiles and derived conf, except for what the operator manages itself (master, namespace, image, ...), which is refused
 * rather than silently fought over.
 */
final class ConfOverridesFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = new LinkedHashMap<>(plan.settings().conf());
    conf.keySet().removeAll(ResourcesFeatureStep.keysFromTheStep(plan.resources()));
    SubmissionPlan result = plan;
    for (Map.Entry<String, String> e : plan.spec().sparkConf.entrySet()) {
      String setting = KubernetesSettings.MANAGED_CONF.get(e.getKey());
      if (setting != null) {
        result = result.refuse("sparkConf." + e.getKey(), "is set by the kubernetes operator",
            setting.startsWith("(") ? "drop it " + setting : "change the operator's " + setting + " setting");
      } else if (!e.getKey().equals(GpuFeatureStep.AMOUNT)) {
        conf.put(e.getKey(), e.getValue());
      }
    }
    return result.withConf(conf);
  }
}
