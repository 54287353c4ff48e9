package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.KubernetesSettings;

/**
 * The operator's {@code conf.*} and then the step's own {@code sparkConf} go last, so they win over profiles and
 * derived conf, except for what the operator manages itself (master, namespace, image, ...), which is refused
 * rather than silently fought over.
 */
final class ConfOverridesFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    plan.sparkConf().putAll(plan.settings().conf());
    plan.spec().sparkConf.forEach((key, value) -> {
      String setting = KubernetesSettings.MANAGED_CONF.get(key);
      if (setting != null) {
        plan.refuse("sparkConf." + key, "is set by the kubernetes operator",
            setting.startsWith("(") ? "drop it " + setting : "change the operator's " + setting + " setting");
      } else if (!key.equals(GpuFeatureStep.AMOUNT)) {
        plan.sparkConf().put(key, value);
      }
    });
  }
}
