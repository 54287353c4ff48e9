package io.sparkstep.flavor.kubernetes.features;

/**
 * One concern of a step's Kubernetes submission (image and identity, resources, GPUs, accelerator, templates,
 * scheduling, environment, secrets, volumes), in the manner of Spark's own {@code KubernetesFeatureConfigStep}s. A
 * step maps what it owns from the spec and the operator settings into a new plan, or refuses it with the reason
 * (validation in the step that owns the field): nothing is dropped silently. {@link PlanBuilder} folds them.
 */
public interface KubernetesFeatureStep {

  /**
   * This step's concern applied to a plan: a new plan, the given one left as it was. A function of the plan alone
   * (its spec, settings and {@link PlanInputs}): no files, no environment or system properties, no cluster.
   */
  SubmissionPlan apply(SubmissionPlan plan);

  /** The steps in the order they apply: later steps may add to what earlier ones built (the templates). */
  static java.util.List<KubernetesFeatureStep> all() {
    return java.util.List.of(
        new BasicDriverFeatureStep(),
        new PodTemplateFeatureStep(),
        new MetadataFeatureStep(),
        new ResourcesFeatureStep(),
        new GpuFeatureStep(),
        new AcceleratorFeatureStep(),
        new SchedulingFeatureStep(),
        new EnvFeatureStep(),
        new SecretsFeatureStep(),
        new VolumesFeatureStep(),
        new ConfOverridesFeatureStep(),
        new PinnedMemoryFeatureStep());
  }
}
