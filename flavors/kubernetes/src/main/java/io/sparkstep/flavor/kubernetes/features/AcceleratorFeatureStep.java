package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.accel.AcceleratorPlan;
import io.sparkstep.accel.Accelerators;
import io.sparkstep.spec.InvalidSpecException;
import io.sparkstep.spec.StepSpec;

/**
 * The step's accelerator from the image: GPU steps get the RAPIDS Accelerator unless they opt out with
 * {@code accelerator: none}; {@code comet} runs natively on CPU executors. The jar is the image's copy
 * ({@value Accelerators#IMAGE_JAR_DIR}), loaded through {@code spark.jars}; the conf is the profile
 * ({@code spark-conf/gpu.conf}, {@code comet.conf}). CPU steps without an accelerator get {@code spark-conf/cpu.conf}.
 */
final class AcceleratorFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    StepSpec spec = plan.spec();
    String accelerator = spec.accelerator == null ? (plan.wantsGpus() ? "rapids" : "none") : Accelerators.nameOf(spec);
    if ("rapids".equals(accelerator) && plan.resources().gpus > 1) {
      plan.refuse("resources.gpus", "the RAPIDS Accelerator drives one GPU per executor, the step asks for "
              + plan.resources().gpus,
          "use gpus=1 with more executors (--resources gpus=1,executors=" + plan.resources().gpus + "), or "
              + "--accelerator none if the step uses the GPUs itself");
      return;
    }
    plan.accelerator(accelerator);
    if ("none".equals(accelerator)) {
      if (!plan.wantsGpus()) {
        plan.sparkConf().putAll(CpuProfile.conf());
      }
      return;
    }
    StepSpec withAccelerator = spec.copy();
    withAccelerator.accelerator = accelerator;
    AcceleratorPlan accel;
    try {
      accel = Accelerators.planForImage(withAccelerator, Accelerators.IMAGE_JAR_DIR);
    } catch (InvalidSpecException e) {
      e.problems().forEach(p -> plan.problems().add(p));
      return;
    }
    plan.jars().addAll(accel.jars());
    plan.sparkConf().putAll(accel.sparkConf());
  }
}
