package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.spec.StepSpec;

/**
 * The step's accelerator from the image: GPU steps get the RAPIDS Accelerator unless they opt out with
 * {@code accelerator: none}; {@code comet} runs natively on CPU executors. The jar is the image's copy
 * ({@value Accelerators#IMAGE_JAR_DIR}), loaded through {@code spark.jars}; the conf is the profile
 * ({@code spark-conf/gpu.conf}, {@code comet.conf}), read with the plan's inputs. CPU steps without an accelerator
 * get {@code spark-conf/cpu.conf}.
 */
final class AcceleratorFeatureStep implements KubernetesFeatureStep {

  /**
   * The accelerator a step gets: its own choice, else RAPIDS for GPU steps and none for CPU steps; null for a name
   * that is no accelerator (its problem is in the plan's inputs).
   */
  static Accelerator chosen(StepSpec spec) {
    boolean gpus = spec.resources != null && spec.resources.gpus > 0;
    if (spec.accelerator == null) {
      return gpus ? Accelerator.RAPIDS : Accelerator.NONE;
    }
    return Accelerator.byId(spec.accelerator);
  }

  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Accelerator accelerator = chosen(plan.spec());
    if (accelerator == null) {
      return plan.withProblems(plan.inputs().acceleratorProblems());
    }
    if (accelerator == Accelerator.RAPIDS && plan.resources().gpus > 1) {
      return plan.refuse("resources.gpus", "the RAPIDS Accelerator drives one GPU per executor, the step asks for "
              + plan.resources().gpus,
          "use gpus=1 with more executors (--resources gpus=1,executors=" + plan.resources().gpus + "), or "
              + "--accelerator none if the step uses the GPUs itself");
    }
    SubmissionPlan chosen = plan.withAccelerator(accelerator);
    if (accelerator == Accelerator.NONE) {
      return plan.wantsGpus() ? chosen : chosen.withConf(plan.inputs().cpuProfile());
    }
    if (!plan.inputs().acceleratorProblems().isEmpty()) {
      return chosen.withProblems(plan.inputs().acceleratorProblems());
    }
    AcceleratorPlan accel = plan.inputs().acceleratorPlan();
    return chosen.withJars(accel.jars()).withConf(accel.sparkConf());
  }
}
