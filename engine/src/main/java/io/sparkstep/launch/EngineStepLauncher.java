package io.sparkstep.launch;

import io.sparkstep.api.PipelineRun;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;
import io.sparkstep.api.launch.LaunchRequest;
import io.sparkstep.api.launch.PipelineRequest;
import io.sparkstep.api.launch.StepLauncher;
import io.sparkstep.pipeline.PipelineRequestConversion;
import io.sparkstep.pipeline.PipelineSubmitter;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.SubmitOptions;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.submit.StepSubmitter;
import java.nio.file.Path;

/**
 * The engine behind the api's {@code Sparkstep} launcher, found through {@code ServiceLoader}: turns the api's
 * request into a step spec and submits it as {@code sparkstep run} does, or a pipeline request into the pipeline
 * model and runs it as {@code sparkstep pipeline run} does.
 */
public final class EngineStepLauncher implements StepLauncher {

  @Override
  public StepRun submit(LaunchRequest request) throws SubmitException {
    SubmitOptions options = SubmitOptions.FOLLOWED.withExplain(request.explain()).withDetached(request.detached());
    return new StepSubmitter(request.home() == null ? SparkstepHome.resolve() : request.home(), new FlavorRegistry())
        .submit(request.operator(), spec(request), options);
  }

  @Override
  public PipelineRun submit(PipelineRequest request) {
    Path home = request.home() == null ? SparkstepHome.resolve() : request.home();
    PipelineSubmitter submitter = new PipelineSubmitter(new StepSubmitter(home, new FlavorRegistry()), home);
    PipelineRequestConversion converted = PipelineRequestConversion.of(request);
    int parallelism = request.parallelism() == null ? PipelineSubmitter.DEFAULT_PARALLELISM : request.parallelism();
    return submitter.start(submitter.create(converted.pipeline(), null, parallelism, converted.problems()));
  }

  /** The step spec of a request, e.g. to write it out for spark-submit. */
  public static StepSpec spec(LaunchRequest request) {
    StepSpec spec = new StepSpec();
    spec.step = request.step();
    spec.jars.addAll(request.jars());
    spec.params.putAll(request.params());
    request.inputs().forEach((name, in) -> spec.inputs.put(name, artifact(in)));
    request.outputs().forEach((name, out) -> spec.outputs.put(name, artifact(out)));
    if (request.resources() != null) {
      spec.resources = ResourceSpec.of(request.resources());
    }
    spec.sparkConf.putAll(request.conf());
    spec.accelerator = request.accelerator();
    if (request.retry() != null) {
      spec.retry = new StepSpec.RetrySpec(request.retry().maxAttempts(), request.retry().backoffMillis());
    }
    spec.runId = request.runId();
    spec.labels.putAll(request.labels());
    return spec;
  }

  private static ArtifactSpec artifact(LaunchRequest.Artifact artifact) {
    return new ArtifactSpec(artifact.uri(), artifact.format(), artifact.overwrite() ? "overwrite" : null);
  }
}
