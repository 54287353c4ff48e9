package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.settings.PodTemplates;

/**
 * The templates the later steps add to: the profiles of {@code spark-conf/pod-templates/} (the driver template
 * always, the GPU executor template for GPU steps) with the user's files merged over them (the user's fields win; the
 * profile's stay where the user sets none, such as the driver's termination grace period). An unreadable template
 * refuses the run. Profiles and files come read with the plan's inputs.
 */
final class PodTemplateFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    PlanInputs in = plan.inputs();
    SubmissionPlan result = plan.withProblems(in.templateProblems());
    boolean driverBroken = in.templateProblems().stream().anyMatch(p -> p.field().equals("driverPodTemplate"));
    if (!driverBroken) {
      result = result.withDriverTemplate(in.userDriverTemplate() != null
          ? PodTemplates.merge(in.driverProfile(), in.userDriverTemplate()) : in.driverProfile());
    }
    if (in.userExecutorTemplate() != null) {
      result = result.withExecutorTemplate(plan.wantsGpus()
          ? PodTemplates.merge(in.executorGpuProfile(), in.userExecutorTemplate()) : in.userExecutorTemplate());
    } else if (plan.wantsGpus() && in.templateProblems().stream()
        .noneMatch(p -> p.field().equals("executorPodTemplate"))) {
      result = result.withExecutorTemplate(in.executorGpuProfile());
    }
    return result;
  }
}
