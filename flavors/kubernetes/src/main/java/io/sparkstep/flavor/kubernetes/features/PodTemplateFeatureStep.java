package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.KubernetesSettings;
import io.sparkstep.flavor.kubernetes.PodTemplates;

/**
 * The templates the later steps add to: the user's files, else the profiles of {@code spark-conf/pod-templates/}
 * (the driver template always, the GPU executor template for GPU steps). An unreadable template refuses the run.
 */
final class PodTemplateFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    KubernetesSettings s = plan.settings();
    try {
      plan.driverTemplate(s.driverPodTemplate() != null
          ? PodTemplates.load("driverPodTemplate", s.driverPodTemplate())
          : PodTemplates.profile(PodTemplates.DRIVER_PROFILE));
    } catch (PodTemplates.TemplateException e) {
      plan.problems().add(e.problem());
    }
    try {
      if (s.executorPodTemplate() != null) {
        plan.executorTemplate(PodTemplates.load("executorPodTemplate", s.executorPodTemplate()));
      } else if (plan.wantsGpus()) {
        plan.executorTemplate(PodTemplates.profile(PodTemplates.EXECUTOR_GPU_PROFILE));
      }
    } catch (PodTemplates.TemplateException e) {
      plan.problems().add(e.problem());
    }
  }
}
