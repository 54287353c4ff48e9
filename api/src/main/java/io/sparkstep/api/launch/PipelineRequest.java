package io.sparkstep.api.launch;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One pipeline launch, handed to the engine's {@link StepLauncher}: a DAG of steps, plain values only. Built with
 * {@link #builder(String)}, launched with {@code Sparkstep.pipeline(request).submit()}.
 *
 * @param name the pipeline's name (letters, digits, '.', '_' and '-')
 * @param operator the default operator of the steps that name none; null for the engine's default ("local")
 * @param home the Sparkstep home (operators and run records); null for the engine's default
 * @param artifactStore Hadoop FS URI under which outputs without a URI go; null for {@code <home>/artifacts}
 * @param parallelism steps that run at the same time; null for the engine's default
 * @param steps in the order given
 */
public record PipelineRequest(String name, String operator, Path home, String artifactStore, Integer parallelism,
    List<StepEntry> steps) {

  public PipelineRequest {
    steps = List.copyOf(steps);
  }

  /** A pipeline named {@code name}; each {@code step(...)} starts a step and what follows applies to it. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** An input read from what another step of the pipeline committed: {@code from("train.model")}. */
  public static StepOutput from(String stepIdDotOutput) {
    return new StepOutput(stepIdDotOutput);
  }

  /**
   * One step of the pipeline.
   *
   * @param id the step's id in the pipeline (letters, digits, '_' and '-')
   * @param launch the step's fields as a single launch has them; its operator is null for the pipeline's, and its
   *     inputs are those at a URI
   * @param inputsFrom input name to the other step's output it reads, {@code STEP_ID.OUTPUT}
   */
  public record StepEntry(String id, LaunchRequest launch, Map<String, String> inputsFrom) {
    public StepEntry {
      inputsFrom = Collections.unmodifiableMap(new LinkedHashMap<>(inputsFrom));
    }
  }

  /** Another step's output, {@code STEP_ID.OUTPUT}, as an input. */
  public record StepOutput(String stepIdDotOutput) {
    public StepOutput {
      Objects.requireNonNull(stepIdDotOutput, "stepIdDotOutput");
    }
  }

  /**
   * Fluent construction; the step's fields are collected by a {@link Sparkstep} builder, as for a single launch.
   *
   * <pre>
   *   PipelineRequest fares = PipelineRequest.builder("fares")
   *       .step("trips", "generate-trips").param("rows", 200000)
   *       .step("features", "trip-features").input("trips", from("trips.trips")).input("zones", from("trips.zones"))
   *       .build();
   * </pre>
   */
  public static final class Builder {
    private final String name;
    private String operator;
    private Path home;
    private String artifactStore;
    private Integer parallelism;
    private final List<StepEntry> steps = new ArrayList<>();
    private String stepId;
    private Sparkstep step;
    private final Map<String, String> inputsFrom = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Before any step: the pipeline's default operator; after {@code step(...)}: that step's operator. */
    public Builder operator(String operatorName) {
      if (step == null) {
        operator = operatorName;
      } else {
        step.operatorName(operatorName);
      }
      return this;
    }

    /** The Sparkstep home (operators file and run records) instead of the default one. */
    public Builder home(Path sparkstepHome) {
      home = Objects.requireNonNull(sparkstepHome, "home");
      return this;
    }

    public Builder artifactStore(String uri) {
      artifactStore = uri;
      return this;
    }

    public Builder parallelism(int stepsAtOnce) {
      parallelism = stepsAtOnce;
      return this;
    }

    /** Starts step {@code id}, running {@code stepAliasOrClassName}. */
    public Builder step(String id, String stepAliasOrClassName) {
      finishStep();
      stepId = id;
      step = Sparkstep.pipelineStep().step(stepAliasOrClassName);
      return this;
    }

    public Builder step(String id, Class<? extends Step> stepClass) {
      return step(id, stepClass.getName());
    }

    public Builder param(String paramName, Object value) {
      current().param(paramName, value);
      return this;
    }

    /** An input at a URI. */
    public Builder input(String inputName, String uri) {
      current().input(inputName, uri);
      return this;
    }

    /** An input at a URI, read as {@code format}. */
    public Builder input(String inputName, String uri, String format) {
      current().input(inputName, uri, format);
      return this;
    }

    /** An input read from another step's output: {@code input("model", from("train.model"))}. */
    public Builder input(String inputName, StepOutput output) {
      current();
      inputsFrom.put(inputName, output.stepIdDotOutput());
      return this;
    }

    /** An output at an explicit URI instead of the artifact store. */
    public Builder output(String outputName, String uri) {
      current().output(outputName, uri);
      return this;
    }

    public Builder output(String outputName, String uri, String format) {
      current().output(outputName, uri, format);
      return this;
    }

    /** Every explicit output of the step named so far replaces what is there, atomically at commit. */
    public Builder overwrite() {
      current().overwrite();
      return this;
    }

    public Builder jars(String... paths) {
      current().jars(paths);
      return this;
    }

    public Builder resources(StepResources value) {
      current().resources(value);
      return this;
    }

    public Builder conf(String key, String value) {
      current().conf(key, value);
      return this;
    }

    public Builder conf(Map<String, String> values) {
      current().conf(values);
      return this;
    }

    public Builder accelerator(String acceleratorName) {
      current().accelerator(acceleratorName);
      return this;
    }

    public Builder retry(int maxAttempts, long backoffMillis) {
      current().retry(maxAttempts, backoffMillis);
      return this;
    }

    public Builder label(String key, String value) {
      current().label(key, value);
      return this;
    }

    /** The pipeline as collected so far; checked by the engine when submitted. */
    public PipelineRequest build() {
      List<StepEntry> all = new ArrayList<>(steps);
      if (step != null) {
        all.add(new StepEntry(stepId, step.request(), inputsFrom));
      }
      return new PipelineRequest(name, operator, home, artifactStore, parallelism, all);
    }

    private void finishStep() {
      if (step != null) {
        steps.add(new StepEntry(stepId, step.request(), inputsFrom));
        inputsFrom.clear();
      }
    }

    private Sparkstep current() {
      if (step == null) {
        throw new IllegalStateException("call step(id, step) before the step's settings");
      }
      return step;
    }
  }
}
