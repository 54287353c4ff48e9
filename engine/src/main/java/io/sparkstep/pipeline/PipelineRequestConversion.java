package io.sparkstep.pipeline;

import io.sparkstep.api.launch.LaunchRequest;
import io.sparkstep.api.launch.PipelineRequest;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The api's {@link PipelineRequest} as the engine's {@link Pipeline}, the model a pipeline file reads into, so that
 * both are checked and run alike. What a request can say and a pipeline step cannot (a step's own run id, explain,
 * detached or home, an input given twice) is a problem at its path, reported with the pipeline's own problems.
 */
public final class PipelineRequestConversion {
  private final Pipeline pipeline = new Pipeline();
  private final List<ValidationProblem> problems = new ArrayList<>();

  private PipelineRequestConversion(PipelineRequest request) {
    pipeline.name = request.name();
    pipeline.operator = request.operator();
    pipeline.artifactStore = request.artifactStore();
    for (int i = 0; i < request.steps().size(); i++) {
      PipelineRequest.StepEntry entry = request.steps().get(i);
      String at = "steps[" + i + "]";
      if (entry.launch() == null) {
        // the validator names the missing step, as it does for a file's
        pipeline.steps.add(new PipelineStep(entry.id(), null));
      } else {
        pipeline.steps.add(step(entry, at));
      }
    }
  }

  /** Converts {@code request}; its problems, if any, are in {@link #problems()}. */
  public static PipelineRequestConversion of(PipelineRequest request) {
    return new PipelineRequestConversion(request);
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /** What the pipeline model cannot hold, each at its path; the validator adds the pipeline's own. */
  public List<ValidationProblem> problems() {
    return List.copyOf(problems);
  }

  private PipelineStep step(PipelineRequest.StepEntry entry, String at) {
    LaunchRequest launch = entry.launch();
    PipelineStep step = new PipelineStep(entry.id(), launch.step());
    step.operator = launch.operator();
    step.jars.addAll(launch.jars());
    step.params.putAll(launch.params());
    launch.inputs().forEach((name, in) -> step.inputs.put(name, artifact(in)));
    for (Map.Entry<String, String> from : entry.inputsFrom().entrySet()) {
      if (step.inputs.containsKey(from.getKey())) {
        problems.add(ValidationProblem.of(at + ".inputs." + from.getKey(), "is given both at a URI and from "
            + from.getValue(), "give each input once"));
      } else {
        step.inputs.put(from.getKey(), PipelineArtifact.from(from.getValue()));
      }
    }
    launch.outputs().forEach((name, out) -> step.outputs.put(name, artifact(out)));
    if (launch.resources() != null) {
      step.resources = ResourceSpec.of(launch.resources());
    }
    step.conf.putAll(launch.conf());
    step.accelerator = launch.accelerator();
    if (launch.retry() != null) {
      step.retry = new StepSpec.RetrySpec(launch.retry().maxAttempts(), launch.retry().backoffMillis());
    }
    step.labels.putAll(launch.labels());
    if (launch.runId() != null) {
      problems.add(ValidationProblem.of(at + ".runId", "is set", "the pipeline run gives each step run its id"));
    }
    if (launch.explain()) {
      problems.add(ValidationProblem.of(at + ".explain", "is set",
          "explain a step on its own: Sparkstep.operator(...).step(...).explain()"));
    }
    if (launch.detached()) {
      problems.add(ValidationProblem.of(at + ".detached", "is set", "a pipeline's steps run as its run drives them"));
    }
    if (launch.home() != null) {
      problems.add(ValidationProblem.of(at + ".home", "is set", "give the home once, on the pipeline"));
    }
    return step;
  }

  private static PipelineArtifact artifact(LaunchRequest.Artifact artifact) {
    PipelineArtifact converted = PipelineArtifact.ofUri(artifact.uri());
    converted.format = artifact.format();
    converted.mode = artifact.overwrite() ? "overwrite" : null;
    return converted;
  }
}
