package io.sparkstep.api.launch;

import io.sparkstep.api.PipelineRun;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;

/**
 * What runs a {@link LaunchRequest} or a {@link PipelineRequest}: the engine implements it and names its class in
 * {@code META-INF/services/io.sparkstep.api.launch.StepLauncher}, so that an embedding application compiles against
 * {@code sparkstep-api} alone and finds the engine on its class path at run time (as a JDBC driver is found).
 */
public interface StepLauncher {

  /**
   * Validates and launches; returns at once with the run's handle.
   *
   * @throws io.sparkstep.api.InvalidInputException listing every problem; nothing was launched
   * @throws SubmitException when the platform refused or could not be reached
   */
  StepRun submit(LaunchRequest request) throws SubmitException;

  /**
   * Validates the whole pipeline and runs it in this JVM; returns at once with the run's handle.
   *
   * @throws io.sparkstep.api.InvalidInputException listing every problem with its path; nothing was started
   * @throws SubmitException when the run could not be stored
   */
  PipelineRun submit(PipelineRequest request) throws SubmitException;
}
