package io.sparkstep.api.launch;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Launches steps from any JVM application without the CLI, in the spirit of Spark's {@code SparkLauncher}. It needs
 * only {@code sparkstep-api} to compile; the engine ({@code sparkstep-engine}) must be on the class path at run time.
 *
 * <pre>
 *   StepRun run = Sparkstep.operator("local")
 *       .step(TripFeaturesStep.class)
 *       .param("minFare", 2.5)
 *       .input("trips", "file:/data/trips").input("zones", "file:/data/zones")
 *       .output("features", "file:/data/features")
 *       .resources(StepResources.builder().cpu(4).memory("8g").build())
 *       .submit();
 *   run.await(Duration.ofMinutes(10));
 * </pre>
 */
public final class Sparkstep {
  private String operator;
  private final Path home;
  private String step;
  private final List<String> jars = new ArrayList<>();
  private final Map<String, Object> params = new LinkedHashMap<>();
  private final Map<String, LaunchRequest.Artifact> inputs = new LinkedHashMap<>();
  private final Map<String, LaunchRequest.Artifact> outputs = new LinkedHashMap<>();
  private StepResources resources;
  private final Map<String, String> conf = new LinkedHashMap<>();
  private String accelerator;
  private LaunchRequest.Retry retry;
  private String runId;
  private boolean explain;
  private boolean detached;
  private final Map<String, String> labels = new LinkedHashMap<>();

  private Sparkstep(String operator, Path home) {
    this.operator = operator;
    this.home = home;
  }

  /** A launch through the named operator (see {@code sparkstep operator list}); "local" always exists. */
  public static Sparkstep operator(String name) {
    return new Sparkstep(Objects.requireNonNull(name, "operator"), null);
  }

  /** The same with an explicit Sparkstep home (operators file and run records). */
  public static Sparkstep operator(String name, Path home) {
    return new Sparkstep(Objects.requireNonNull(name, "operator"), Objects.requireNonNull(home, "home"));
  }

  /**
   * A launch of a pipeline:
   *
   * <pre>
   *   PipelineRun run = Sparkstep.pipeline(PipelineRequest.builder("fares")...build()).submit();
   * </pre>
   */
  public static PipelineLaunch pipeline(PipelineRequest request) {
    return new PipelineLaunch(Objects.requireNonNull(request, "request"));
  }

  /** The same, from the builder as it stands. */
  public static PipelineLaunch pipeline(PipelineRequest.Builder builder) {
    return pipeline(builder.build());
  }

  /** A step of a pipeline: no operator until one is named (the pipeline's applies), no home of its own. */
  static Sparkstep pipelineStep() {
    return new Sparkstep(null, null);
  }

  /** A pipeline step's own operator. */
  void operatorName(String name) {
    operator = name;
  }

  public Sparkstep step(Class<? extends Step> stepClass) {
    step = stepClass.getName();
    return this;
  }

  /** A step by alias (e.g. "generate-trips") or class name. */
  public Sparkstep step(String aliasOrClassName) {
    step = aliasOrClassName;
    return this;
  }

  /**
   * Jars with the step's code (and what it needs beyond Spark), loaded in the step's own class loader here and
   * shipped to clusters; the same as the CLI's {@code --jars}.
   */
  public Sparkstep jars(String... paths) {
    jars.addAll(List.of(paths));
    return this;
  }

  public Sparkstep param(String name, Object value) {
    params.put(name, value);
    return this;
  }

  public Sparkstep input(String name, String uri) {
    return input(name, uri, null);
  }

  public Sparkstep input(String name, String uri, String format) {
    inputs.put(name, new LaunchRequest.Artifact(uri, format, false));
    return this;
  }

  /** An output that must not exist yet. */
  public Sparkstep output(String name, String uri) {
    return output(name, uri, null);
  }

  /** An output that must not exist yet, written as {@code format} (parquet, csv, json or orc). */
  public Sparkstep output(String name, String uri, String format) {
    outputs.put(name, new LaunchRequest.Artifact(uri, format, false));
    return this;
  }

  /** Every output named so far replaces what is there, atomically at commit. */
  public Sparkstep overwrite() {
    outputs.replaceAll((name, o) -> new LaunchRequest.Artifact(o.uri(), o.format(), true));
    return this;
  }

  /** The step's resources, all of them: this value replaces any given before. */
  public Sparkstep resources(StepResources value) {
    resources = Objects.requireNonNull(value, "resources");
    return this;
  }

  public Sparkstep conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  public Sparkstep conf(Map<String, String> values) {
    conf.putAll(values);
    return this;
  }

  /** none, comet or rapids. */
  public Sparkstep accelerator(String name) {
    accelerator = name;
    return this;
  }

  public Sparkstep retry(int maxAttempts, long backoffMillis) {
    retry = new LaunchRequest.Retry(maxAttempts, backoffMillis);
    return this;
  }

  public Sparkstep runId(String id) {
    runId = id;
    return this;
  }

  /**
   * Only explain what the accelerator would run, planned on the CPU (what {@code sparkstep explain} submits): RAPIDS
   * then needs no GPU.
   */
  public Sparkstep explain() {
    explain = true;
    return this;
  }

  /** The run outlives this process ({@code run --detach}): the caller follows it by its id, not by this handle. */
  public Sparkstep detached() {
    detached = true;
    return this;
  }

  public Sparkstep label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /** The launch as collected so far, a value independent of this builder. */
  public LaunchRequest request() {
    return new LaunchRequest(operator, home, step, jars, params, inputs, outputs, resources, conf, accelerator, retry,
        runId, explain, detached, labels);
  }

  /**
   * Validates and launches through the engine on the class path. Returns at once with the run's handle.
   *
   * @throws io.sparkstep.api.InvalidInputException listing every problem; nothing was launched
   * @throws SubmitException when the platform refused or could not be reached
   * @throws IllegalStateException when no engine is on the class path
   */
  public StepRun submit() throws SubmitException {
    return launcher().submit(request());
  }

  /** The engine's launcher: the context class loader's first, else the one that loaded this api. */
  static StepLauncher launcher() {
    for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
        StepLauncher.class.getClassLoader()}) {
      Iterator<StepLauncher> found = ServiceLoader.load(StepLauncher.class, loader).iterator();
      if (found.hasNext()) {
        return found.next();
      }
    }
    throw new IllegalStateException("no Sparkstep engine on the class path: " + StepLauncher.class.getName()
        + " has no provider (add io.sparkstep:sparkstep-engine, runtime scope, to launch steps)");
  }
}
