package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.flavor.kubernetes.KubernetesSettings;
import io.sparkstep.spec.ResourceSpec;
import io.sparkstep.spec.StepSpec;
import io.sparkstep.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step's submission to Kubernetes is made of, filled in by the {@link KubernetesFeatureStep}s in turn: the
 * Spark conf, the driver and executor pod templates, the jars, the image, and every setting that could not be mapped
 * (then nothing is submitted). Built without contacting the cluster, so {@code validate} and {@code submit} build
 * the very same plan.
 */
public final class SubmissionPlan {
  /** Labels on every pod of a run: how any process finds a run's pods. */
  public static final String RUN_LABEL = "sparkstep.io/run-id";
  public static final String STEP_LABEL = "sparkstep.io/step";

  private final StepSpec spec;
  private final KubernetesSettings settings;
  private final String driverPodName;
  private final Map<String, String> sparkConf = new LinkedHashMap<>();
  private final List<String> jars = new ArrayList<>();
  private final List<ValidationProblem> problems = new ArrayList<>();
  private Pod driverTemplate;
  private Pod executorTemplate;
  private String accelerator = "none";

  public SubmissionPlan(StepSpec spec, KubernetesSettings settings, String driverPodName) {
    this.spec = spec;
    this.settings = settings;
    this.driverPodName = driverPodName;
  }

  public StepSpec spec() {
    return spec;
  }

  /** The step's resources, never null. */
  public ResourceSpec resources() {
    return spec.resources == null ? new ResourceSpec() : spec.resources;
  }

  public boolean wantsGpus() {
    return resources().gpus > 0;
  }

  public KubernetesSettings settings() {
    return settings;
  }

  public String driverPodName() {
    return driverPodName;
  }

  public Map<String, String> sparkConf() {
    return sparkConf;
  }

  public List<String> jars() {
    return jars;
  }

  public List<ValidationProblem> problems() {
    return problems;
  }

  public void refuse(String field, String message, String hint) {
    problems.add(ValidationProblem.of(field, message, hint));
  }

  /** The driver pod template, null when neither the user nor a profile gives one. */
  public Pod driverTemplate() {
    return driverTemplate;
  }

  public void driverTemplate(Pod pod) {
    driverTemplate = pod;
  }

  public Pod executorTemplate() {
    return executorTemplate;
  }

  public void executorTemplate(Pod pod) {
    executorTemplate = pod;
  }

  /** The accelerator the driver applies (rapids for GPU steps unless they opt out). */
  public String accelerator() {
    return accelerator;
  }

  public void accelerator(String name) {
    accelerator = name;
  }

  /** Executor cores as Spark will see them: the step's, else the conf's, else Spark's default of 1. */
  public int executorCores() {
    if (resources().executorCpu > 0) {
      return resources().executorCpu;
    }
    String conf = spec.sparkConf.getOrDefault("spark.executor.cores", settings.conf().get("spark.executor.cores"));
    try {
      return conf == null ? 1 : Math.max(1, Integer.parseInt(conf.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** A label value from any text: at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends. */
  public static String labelValue(String text) {
    String value = text == null ? "" : text.replaceAll("[^A-Za-z0-9_.-]", "-");
    if (value.length() > 63) {
      value = value.substring(value.length() - 63);
    }
    value = value.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    return value.isEmpty() ? "x" : value;
  }
}
