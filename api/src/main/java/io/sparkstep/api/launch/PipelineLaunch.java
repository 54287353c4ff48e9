package io.sparkstep.api.launch;

import io.sparkstep.api.PipelineRun;
import io.sparkstep.api.SubmitException;

/** A pipeline ready to launch, from {@link Sparkstep#pipeline(PipelineRequest)}. */
public final class PipelineLaunch {
  private final PipelineRequest request;

  PipelineLaunch(PipelineRequest request) {
    this.request = request;
  }

  public PipelineRequest request() {
    return request;
  }

  /**
   * Validates the whole pipeline and runs it in this JVM, each step on its own operator; returns at once with the
   * run's handle.
   *
   * @throws io.sparkstep.api.InvalidInputException listing every problem of the pipeline with its path
   *     ({@code steps[1].inputs.trips}); nothing was started
   * @throws SubmitException when the run could not be stored
   * @throws IllegalStateException when no engine is on the class path
   */
  public PipelineRun submit() throws SubmitException {
    return Sparkstep.launcher().submit(request);
  }
}
