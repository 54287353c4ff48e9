package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.flavor.kubernetes.KubernetesSettings;
import io.sparkstep.flavor.kubernetes.PodTemplates;

/**
 * The templates the later steps add to: the profiles of {@code spark-conf/pod-templates/} (the driver template
 * always, the GPU executor template for GPU steps) with the user's files merged over them (the user's fields win; the
 * profile's stay where the user sets none, such as the driver's termination grace period). An unreadable template
 * refuses the run.
 */
final class PodTemplateFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    KubernetesSettings s = plan.settings();
    try {
      Pod profile = PodTemplates.profile(PodTemplates.DRIVER_PROFILE);
      plan.driverTemplate(s.driverPodTemplate() != null
          ? PodTemplates.merge(profile, PodTemplates.load("driverPodTemplate", s.driverPodTemplate())) : profile);
    } catch (PodTemplates.TemplateException e) {
      plan.problems().add(e.problem());
    }
    try {
      if (s.executorPodTemplate() != null) {
        Pod user = PodTemplates.load("executorPodTemplate", s.executorPodTemplate());
        plan.executorTemplate(plan.wantsGpus()
            ? PodTemplates.merge(PodTemplates.profile(PodTemplates.EXECUTOR_GPU_PROFILE), user) : user);
      } else if (plan.wantsGpus()) {
        plan.executorTemplate(PodTemplates.profile(PodTemplates.EXECUTOR_GPU_PROFILE));
      }
    } catch (PodTemplates.TemplateException e) {
      plan.problems().add(e.problem());
    }
  }
}
