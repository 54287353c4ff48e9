package io.sparkstep.launch;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.spi.SubmitOptions;
import io.sparkstep.submit.StepSubmitter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import io.sparkstep.pipeline.Pipeline;
import io.sparkstep.pipeline.PipelineLaunch;
import io.sparkstep.spi.spec.InvalidSpecException;

/**
 * Fluent launch API, usable from any JVM application without the CLI:
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
  private final String operator;
  private final Path home;
  private final StepSpec spec = new StepSpec();
  private SubmitOptions options = SubmitOptions.FOLLOWED;

  private Sparkstep(String operator, Path home) {
    this.operator = operator;
    this.home = home;
  }

  /** A launch through the named operator (see {@code sparkstep operator list}); "local" always exists. */
  public static Sparkstep operator(String name) {
    return new Sparkstep(name, SparkstepHome.resolve());
  }

  /** The same with an explicit Sparkstep home (operators file and run records). */
  public static Sparkstep operator(String name, Path home) {
    return new Sparkstep(name, home);
  }

  /** A pipeline launch: {@code Sparkstep.pipeline(p).submit()} runs its steps, each on its own operator. */
  public static PipelineLaunch pipeline(Pipeline pipeline) {
    return new PipelineLaunch(pipeline);
  }

  public Sparkstep step(Class<? extends Step> stepClass) {
    spec.step = stepClass.getName();
    return this;
  }

  /** A step by alias (e.g. "generate-trips") or class name. */
  public Sparkstep step(String aliasOrClassName) {
    spec.step = aliasOrClassName;
    return this;
  }

  /**
   * Jars with the step's code (and what it needs beyond Spark), loaded in the step's own class loader here and
   * shipped to clusters; the same as the CLI's {@code --jars}.
   */
  public Sparkstep jars(String... jars) {
    spec.jars.addAll(java.util.List.of(jars));
    return this;
  }

  public Sparkstep param(String name, Object value) {
    spec.params.put(name, value);
    return this;
  }

  public Sparkstep input(String name, String uri) {
    spec.inputs.put(name, ArtifactSpec.ofUri(uri));
    return this;
  }

  public Sparkstep input(String name, String uri, String format) {
    spec.inputs.put(name, new ArtifactSpec(uri, format, null));
    return this;
  }

  /** An output that must not exist yet. */
  public Sparkstep output(String name, String uri) {
    spec.outputs.put(name, ArtifactSpec.ofUri(uri));
    return this;
  }

  /** An output that must not exist yet, written as {@code format} (parquet, csv, json or orc). */
  public Sparkstep output(String name, String uri, String format) {
    spec.outputs.put(name, new ArtifactSpec(uri, format, null));
    return this;
  }

  /** Every output replaces what is there, atomically at commit. */
  public Sparkstep overwrite() {
    spec.outputs.values().forEach(o -> o.mode = "overwrite");
    return this;
  }

  /** The step's resources, all of them: this value replaces any given before. */
  public Sparkstep resources(StepResources resources) {
    spec.resources = ResourceSpec.of(Objects.requireNonNull(resources, "resources"));
    return this;
  }

  public Sparkstep conf(String key, String value) {
    spec.sparkConf.put(key, value);
    return this;
  }

  public Sparkstep conf(Map<String, String> conf) {
    spec.sparkConf.putAll(conf);
    return this;
  }

  /** none, comet or rapids. */
  public Sparkstep accelerator(String accelerator) {
    spec.accelerator = accelerator;
    return this;
  }

  public Sparkstep retry(int maxAttempts, long backoffMillis) {
    spec.retry = new StepSpec.RetrySpec(maxAttempts, backoffMillis);
    return this;
  }

  public Sparkstep runId(String runId) {
    spec.runId = runId;
    return this;
  }

  /**
   * Only explain what the accelerator would run, planned on the CPU (what {@code sparkstep explain} submits): RAPIDS
   * then needs no GPU.
   */
  public Sparkstep explain() {
    options = options.withExplain(true);
    return this;
  }

  /** The run outlives this process ({@code run --detach}): the caller follows it by its id, not by this handle. */
  public Sparkstep detached() {
    options = options.withDetached(true);
    return this;
  }

  public Sparkstep label(String key, String value) {
    spec.labels.put(key, value);
    return this;
  }

  /** The spec built so far (a copy), e.g. to write it out for spark-submit. */
  public StepSpec spec() {
    return spec.copy();
  }

  /**
   * Validates and launches. Returns at once with the run's handle.
   *
   * @throws InvalidSpecException listing every problem; nothing was launched
   * @throws SubmitException when the platform refused or could not be reached
   */
  public StepRun submit() throws SubmitException {
    return new StepSubmitter(home, new FlavorRegistry()).submit(operator, spec, options);
  }
}
