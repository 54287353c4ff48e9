package io.sparkstep.pipeline;

import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.SparkstepHome;
import java.nio.file.Path;

/**
 * The engine's own launch of a pipeline model, e.g. one read from a file; an embedding application uses the api's
 * {@code Sparkstep.pipeline(PipelineRequest)}, which comes here through the same {@link PipelineSubmitter}:
 *
 * <pre>
 *   PipelineRunHandle run = PipelineLaunch.of(PipelineFile.read(file)).parallelism(2).submit();
 *   run.await(Duration.ofMinutes(30));
 * </pre>
 */
public final class PipelineLaunch {
  private final Pipeline pipeline;
  private Path home = SparkstepHome.resolve();
  private String operator;
  private int parallelism = PipelineSubmitter.DEFAULT_PARALLELISM;

  private PipelineLaunch(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** A launch of {@code pipeline}: {@code PipelineLaunch.of(p).submit()} runs its steps, each on its own operator. */
  public static PipelineLaunch of(Pipeline pipeline) {
    return new PipelineLaunch(pipeline);
  }

  /** The Sparkstep home (operators, run records) to use instead of the default one. */
  public PipelineLaunch home(Path home) {
    this.home = home;
    return this;
  }

  /** The operator of the steps that name none, instead of the pipeline's. */
  public PipelineLaunch operator(String name) {
    this.operator = name;
    return this;
  }

  public PipelineLaunch parallelism(int steps) {
    this.parallelism = steps;
    return this;
  }

  /**
   * Validates the whole pipeline and runs it in this JVM; returns at once with the run's handle.
   *
   * @throws io.sparkstep.spi.spec.InvalidSpecException listing every problem of the pipeline; nothing was started
   */
  public PipelineRunHandle submit() {
    PipelineSubmitter submitter = new PipelineSubmitter(new StepSubmitter(home, new FlavorRegistry()), home);
    return submitter.start(submitter.create(pipeline, operator, parallelism));
  }

  /** A handle on an earlier pipeline run of this home, e.g. one started by the CLI. */
  public static PipelineRunHandle attach(Path home, String runId) {
    return new PipelineSubmitter(new StepSubmitter(home, new FlavorRegistry()), home).attach(runId);
  }
}
