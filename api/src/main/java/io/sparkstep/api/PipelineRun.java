package io.sparkstep.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Handle of one pipeline run, in the spirit of {@link StepRun}: its state, each step's state and step run, listeners,
 * a blocking await, a step's logs and cancel. It reads the run's stored record, so a handle in a process that did not
 * start the run sees the same as the one that did.
 */
public interface PipelineRun {

  String id();

  RunState state();

  /** Why the run failed (a step's error or the driver's), or null. */
  String error();

  /** Step id to its state, in the pipeline's order. */
  Map<String, PipelineStepState> stepStates();

  /** Step id to the id of its (latest) step run; steps not started yet are absent. */
  Map<String, String> stepRunIds();

  /**
   * The step run of step {@code stepId}, as {@code sparkstep runs status} sees it.
   *
   * @throws IllegalStateException when the step has not started
   */
  StepRun stepRun(String stepId);

  /** Adds a listener called whenever the run's or a step's state changes. */
  void addListener(Listener listener);

  /**
   * Waits until the run reaches a final state.
   *
   * @return the final state
   * @throws TimeoutException if it is still running after {@code timeout}
   */
  RunState await(Duration timeout) throws InterruptedException, TimeoutException;

  /** The log lines of one step's run; with {@code follow}, until that step run ends. */
  Stream<String> logs(String stepId, boolean follow);

  /** Stops the run: running steps are cancelled, nothing after them starts. */
  void cancel();

  /** Receives state changes. Called on a Sparkstep thread: return quickly. */
  @FunctionalInterface
  interface Listener {
    void stateChanged(PipelineRun run);
  }
}
