package io.sparkstep.flavor.kubernetes.features;

/**
 * One concern of a step's Kubernetes submission (image and identity, resources, GPUs, accelerator, templates,
 * scheduling, environment, secrets, volumes), in the manner of Spark's own {@code KubernetesFeatureConfigStep}s. A
 * step maps what it owns from the spec and the operator settings into the plan, or refuses it with the reason:
 * nothing is dropped silently.
 */
public interface KubernetesFeatureStep {

  void configure(SubmissionPlan plan);

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
