package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one step's submission to Kubernetes is made of: the Spark conf, the driver and executor pod templates, the
 * jars, the accelerator, and every setting that could not be mapped (then nothing is submitted). A value: each
 * {@link KubernetesFeatureStep} maps a plan to a new one ({@code with...}, {@code refuse}) and leaves the one it was
 * given as it was; templates go in and out as copies, so no step can change what another one holds. What comes from
 * outside (the spec, the operator settings, files and profiles in {@link PlanInputs}) is read before the steps run,
 * by {@link PlanBuilder}, so {@code validate} and {@code submit} build the very same plan without contacting the
 * cluster.
 */
public final class SubmissionPlan {
  /** Labels on every pod of a run: how any process finds a run's pods. */
  public static final String RUN_LABEL = "sparkstep.io/run-id";
  public static final String STEP_LABEL = "sparkstep.io/step";

  private final StepSpec spec;
  private final KubernetesSettings settings;
  private final String driverPodName;
  private final PlanInputs inputs;
  private final Map<String, String> sparkConf;
  private final List<String> jars;
  private final List<ValidationProblem> problems;
  private final Pod driverTemplate;
  private final Pod executorTemplate;
  private final Accelerator accelerator;

  private SubmissionPlan(StepSpec spec, KubernetesSettings settings, String driverPodName, PlanInputs inputs,
      Map<String, String> sparkConf, List<String> jars, List<ValidationProblem> problems, Pod driverTemplate,
      Pod executorTemplate, Accelerator accelerator) {
    this.spec = spec;
    this.settings = settings;
    this.driverPodName = driverPodName;
    this.inputs = inputs;
    this.sparkConf = Collections.unmodifiableMap(new LinkedHashMap<>(sparkConf));
    this.jars = List.copyOf(jars);
    this.problems = List.copyOf(problems);
    this.driverTemplate = copy(driverTemplate);
    this.executorTemplate = copy(executorTemplate);
    this.accelerator = accelerator;
  }

  /** The plan before any step: nothing mapped yet. */
  public static SubmissionPlan empty(StepSpec spec, KubernetesSettings settings, String driverPodName,
      PlanInputs inputs) {
    return new SubmissionPlan(spec, settings, driverPodName, inputs, Map.of(), List.of(), List.of(), null, null,
        Accelerator.NONE);
  }

  /** The step's spec: read it, never change it. */
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

  /** What was read from outside for this plan (templates, profiles), before any step ran. */
  public PlanInputs inputs() {
    return inputs;
  }

  public String driverPodName() {
    return driverPodName;
  }

  /** The Spark conf so far (unmodifiable). */
  public Map<String, String> sparkConf() {
    return sparkConf;
  }

  public List<String> jars() {
    return jars;
  }

  public List<ValidationProblem> problems() {
    return problems;
  }

  /** The driver pod template, a copy; null when neither the user nor a profile gives one. */
  public Pod driverTemplate() {
    return copy(driverTemplate);
  }

  /** The executor pod template, a copy; null when there is none. */
  public Pod executorTemplate() {
    return copy(executorTemplate);
  }

  /** The accelerator the driver applies (rapids for GPU steps unless they opt out). */
  public Accelerator accelerator() {
    return accelerator;
  }

  public SubmissionPlan withConf(String key, String value) {
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put(key, value);
    return withConf(entry);
  }

  /** This plan with these conf entries added; they replace earlier values of their keys. */
  public SubmissionPlan withConf(Map<String, String> entries) {
    Map<String, String> conf = new LinkedHashMap<>(sparkConf);
    conf.putAll(entries);
    return new SubmissionPlan(spec, settings, driverPodName, inputs, conf, jars, problems, driverTemplate,
        executorTemplate, accelerator);
  }

  public SubmissionPlan withJars(List<String> more) {
    List<String> all = new ArrayList<>(jars);
    all.addAll(more);
    return new SubmissionPlan(spec, settings, driverPodName, inputs, sparkConf, all, problems, driverTemplate,
        executorTemplate, accelerator);
  }

  public SubmissionPlan withProblems(List<ValidationProblem> more) {
    List<ValidationProblem> all = new ArrayList<>(problems);
    all.addAll(more);
    return new SubmissionPlan(spec, settings, driverPodName, inputs, sparkConf, jars, all, driverTemplate,
        executorTemplate, accelerator);
  }

  /** This plan with one more problem: the field, what is wrong, how to fix it. */
  public SubmissionPlan refuse(String field, String message, String hint) {
    return withProblems(List.of(ValidationProblem.of(field, message, hint)));
  }

  public SubmissionPlan withDriverTemplate(Pod pod) {
    return new SubmissionPlan(spec, settings, driverPodName, inputs, sparkConf, jars, problems, pod,
        executorTemplate, accelerator);
  }

  public SubmissionPlan withExecutorTemplate(Pod pod) {
    return new SubmissionPlan(spec, settings, driverPodName, inputs, sparkConf, jars, problems, driverTemplate,
        pod, accelerator);
  }

  public SubmissionPlan withAccelerator(Accelerator chosen) {
    return new SubmissionPlan(spec, settings, driverPodName, inputs, sparkConf, jars, problems, driverTemplate,
        executorTemplate, chosen);
  }

  private static Pod copy(Pod pod) {
    return pod == null ? null : Serialization.clone(pod);
  }

  /** Equal when every mapped part is (same spec, settings and inputs by identity: they are the steps' givens). */
  @Override
  public boolean equals(Object o) {
    return o instanceof SubmissionPlan p && spec == p.spec && settings == p.settings && inputs == p.inputs
        && driverPodName.equals(p.driverPodName) && sparkConf.equals(p.sparkConf) && jars.equals(p.jars)
        && problems.equals(p.problems) && Objects.equals(driverTemplate, p.driverTemplate)
        && Objects.equals(executorTemplate, p.executorTemplate) && accelerator == p.accelerator;
  }

  @Override
  public int hashCode() {
    return Objects.hash(driverPodName, sparkConf, jars, problems, driverTemplate, executorTemplate, accelerator);
  }

  @Override
  public String toString() {
    return "SubmissionPlan{conf=" + sparkConf + ", jars=" + jars + ", problems=" + problems + ", accelerator="
        + accelerator + ", driverTemplate=" + (driverTemplate == null ? null : PodTemplates.toYaml(driverTemplate))
        + ", executorTemplate=" + (executorTemplate == null ? null : PodTemplates.toYaml(executorTemplate)) + "}";
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
