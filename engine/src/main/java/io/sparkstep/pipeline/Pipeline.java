package io.sparkstep.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sparkstep.api.StepResources;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DAG of steps: its name, the default operator of its steps, the artifact store where outputs without a URI go,
 * and the steps, each on its own operator. Read from a file by {@link PipelineFile}, or built in Java:
 *
 * <pre>
 *   Pipeline fares = Pipeline.builder("fares")
 *       .step("trips", "generate-trips").param("rows", 200000)
 *       .step("features", "trip-features").input("trips", "trips.trips").input("zones", "trips.zones")
 *       .build();
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = false)
public final class Pipeline {
  @JsonProperty("pipeline")
  public String name;
  /** Default operator of the steps; {@value OperatorStore#DEFAULT_OPERATOR} when absent. */
  public String operator;
  /** Hadoop FS URI under which outputs without a URI go; {@code <SPARKSTEP_HOME>/artifacts} when absent. */
  public String artifactStore;
  /** Whether the step cache may serve the pipeline's steps (each step may say otherwise); absent: on. */
  public Boolean cache;
  public List<PipelineStep> steps = new ArrayList<>();

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public Optional<PipelineStep> step(String id) {
    return steps.stream().filter(s -> s.id != null && s.id.equals(id)).findFirst();
  }

  /** The operator {@code step} runs on: its own, else the pipeline's, else the default one. */
  public String operatorOf(PipelineStep step) {
    if (step.operator != null && !step.operator.isBlank()) {
      return step.operator;
    }
    return operator != null && !operator.isBlank() ? operator : OperatorStore.DEFAULT_OPERATOR;
  }

  /** Fluent construction; each {@code step(...)} starts a new step and what follows applies to it. */
  public static final class Builder {
    private final Pipeline pipeline = new Pipeline();
    private PipelineStep current;

    private Builder(String name) {
      pipeline.name = name;
    }

    public Builder operator(String name) {
      if (current == null) {
        pipeline.operator = name;
      } else {
        current.operator = name;
      }
      return this;
    }

    public Builder artifactStore(String uri) {
      pipeline.artifactStore = uri;
      return this;
    }

    public Builder step(String id, String stepClassOrAlias) {
      current = new PipelineStep(id, stepClassOrAlias);
      pipeline.steps.add(current);
      return this;
    }

    public Builder param(String name, Object value) {
      current().params.put(name, value);
      return this;
    }

    /** An input read from another step's output, {@code STEP_ID.OUTPUT}. */
    public Builder input(String name, String stepOutput) {
      current().inputs.put(name, PipelineArtifact.from(stepOutput));
      return this;
    }

    /** An input at a URI. */
    public Builder inputUri(String name, String uri) {
      current().inputs.put(name, PipelineArtifact.ofUri(uri));
      return this;
    }

    /** An output at an explicit URI instead of the artifact store. */
    public Builder output(String name, String uri) {
      current().outputs.put(name, PipelineArtifact.ofUri(uri));
      return this;
    }

    public Builder resources(StepResources resources) {
      current().resources = ResourceSpec.of(resources);
      return this;
    }

    public Builder conf(String key, String value) {
      current().conf.put(key, value);
      return this;
    }

    public Builder conf(Map<String, String> conf) {
      current().conf.putAll(conf);
      return this;
    }

    public Builder accelerator(String name) {
      current().accelerator = name;
      return this;
    }

    public Builder retry(int maxAttempts, long backoffMillis) {
      current().retry = new StepSpec.RetrySpec(maxAttempts, backoffMillis);
      return this;
    }

    public Builder overwrite() {
      current().overwrite = true;
      return this;
    }

    public Pipeline build() {
      return PipelineFile.read(PipelineFile.writeJson(pipeline), "pipeline " + pipeline.name);
    }

    private PipelineStep current() {
      if (current == null) {
        throw new IllegalStateException("call step(id, step) before the step's settings");
      }
      return current;
    }
  }
}
