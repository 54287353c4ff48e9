package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.spi.spec.StepSpec;

/**
 * Builds a step's {@link SubmissionPlan} the way Spark's KubernetesDriverBuilder builds a driver pod: the inputs
 * first (all the reading there is), then the {@link KubernetesFeatureStep}s folded over the empty plan in order.
 */
public final class PlanBuilder {
  private PlanBuilder() {
  }

  /** Reads the step's inputs (template files, profiles), then folds the steps over them. */
  public static SubmissionPlan build(StepSpec spec, KubernetesSettings settings, String driverPodName) {
    return build(spec, settings, driverPodName, PlanInputs.read(spec, settings));
  }

  /** The fold alone: the same inputs give the same plan. */
  public static SubmissionPlan build(StepSpec spec, KubernetesSettings settings, String driverPodName,
      PlanInputs inputs) {
    SubmissionPlan plan = SubmissionPlan.empty(spec, settings, driverPodName, inputs);
    for (KubernetesFeatureStep step : KubernetesFeatureStep.all()) {
      plan = step.apply(plan);
    }
    return plan;
  }
}
