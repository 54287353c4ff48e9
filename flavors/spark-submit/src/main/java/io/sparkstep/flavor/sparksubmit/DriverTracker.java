package io.sparkstep.flavor.sparksubmit;

/** Follows the driver of one attempt, the way its deploy mode needs; one per attempt, so no state leaks between. */
interface DriverTracker {
  /** One observation: moves the run's state, ends the attempt through the {@link AttemptLoop} when the driver did. */
  void observe();

  /** Asks the driver to stop; its end arrives through a later observation. */
  void cancel();
}
