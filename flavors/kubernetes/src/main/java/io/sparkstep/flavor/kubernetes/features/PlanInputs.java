package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a plan needs from outside the spec and the operator settings, read once before the feature steps run
 * (so they stay functions of the plan): the pod template profiles and the user's template files, the CPU profile,
 * and the plan of the accelerator the step gets. Reading them touches files, the class path and
 * {@code $SPARKSTEP_CONF_DIR}; what could not be read is kept as problems, for the step that owns the field to
 * report.
 *
 * @param driverProfile {@code spark-conf/pod-templates/driver.yaml}
 * @param executorGpuProfile {@code spark-conf/pod-templates/executor-gpu.yaml}
 * @param userDriverTemplate the operator's {@code driverPodTemplate}, null when unset or unreadable
 * @param userExecutorTemplate the operator's {@code executorPodTemplate}, null when unset or unreadable
 * @param templateProblems why a template could not be read
 * @param cpuProfile {@code spark-conf/cpu.conf}
 * @param acceleratorPlan jars and conf of {@link AcceleratorFeatureStep#chosen} from the image, null for none
 * @param acceleratorProblems why that accelerator cannot be planned
 */
public record PlanInputs(Pod driverProfile, Pod executorGpuProfile, Pod userDriverTemplate, Pod userExecutorTemplate,
    List<ValidationProblem> templateProblems, Map<String, String> cpuProfile, AcceleratorPlan acceleratorPlan,
    List<ValidationProblem> acceleratorProblems) {

  public PlanInputs {
    templateProblems = List.copyOf(templateProblems);
    cpuProfile = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cpuProfile));
    acceleratorProblems = List.copyOf(acceleratorProblems);
  }

  /** Reads them for one step on one operator. */
  public static PlanInputs read(StepSpec spec, KubernetesSettings settings) {
    List<ValidationProblem> templateProblems = new ArrayList<>();
    Pod userDriver = load("driverPodTemplate", settings.driverPodTemplate(), templateProblems);
    Pod userExecutor = load("executorPodTemplate", settings.executorPodTemplate(), templateProblems);
    Accelerator accelerator = AcceleratorFeatureStep.chosen(spec);
    AcceleratorPlan acceleratorPlan = null;
    List<ValidationProblem> acceleratorProblems = List.of();
    if (accelerator != Accelerator.NONE) {
      StepSpec withAccelerator = spec.copy();
      if (accelerator != null) {
        // a name that is no accelerator stays as written, for planForImage to refuse it
        withAccelerator.accelerator = accelerator.id();
      }
      try {
        acceleratorPlan = Accelerators.planForImage(withAccelerator, Accelerators.IMAGE_JAR_DIR);
      } catch (InvalidSpecException e) {
        acceleratorProblems = e.problems();
      }
    }
    return new PlanInputs(PodTemplates.profile(PodTemplates.DRIVER_PROFILE),
        PodTemplates.profile(PodTemplates.EXECUTOR_GPU_PROFILE), userDriver, userExecutor, templateProblems,
        CpuProfile.conf(), acceleratorPlan, acceleratorProblems);
  }

  private static Pod load(String setting, String file, List<ValidationProblem> problems) {
    if (file == null) {
      return null;
    }
    try {
      return PodTemplates.load(setting, file);
    } catch (PodTemplates.TemplateException e) {
      problems.add(e.problem());
      return null;
    }
  }
}
