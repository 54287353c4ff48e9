package io.sparkstep.api;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Handle of one submitted step run, in the spirit of Spark's {@code SparkAppHandle}: a state that only moves
 * forward, listeners, a blocking await with timeout, the run's logs and cancel. Every flavor returns one.
 */
public interface StepRun {

  String id();

  RunState state();

  /** The run record as known now (state, timings, outputs, Spark app id, error). */
  RunRecordView record();

  /** Adds a listener called on every state change; if the run already changed state it is not replayed. */
  void addListener(Listener listener);

  /**
   * Waits until the run reaches a final state.
   *
   * @return the final state
   * @throws TimeoutException if it is still running after {@code timeout}
   */
  RunState await(Duration timeout) throws InterruptedException, TimeoutException;

  /**
   * The run's log lines. With {@code follow}, the stream keeps yielding lines as they are written and ends when
   * the run reaches a final state; without, it yields what exists now.
   */
  Stream<String> logs(boolean follow);

  /** Asks the run to stop. It ends CANCELLED with no output committed, unless it had already finished. */
  void cancel();

  /** Receives state changes. Called on an engine thread: return quickly. */
  @FunctionalInterface
  interface Listener {
    void stateChanged(StepRun run);
  }
}
