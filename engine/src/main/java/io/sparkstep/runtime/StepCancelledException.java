package io.sparkstep.runtime;

/** Thrown inside a run once cancel was requested, to unwind the step without committing anything. */
final class StepCancelledException extends RuntimeException {
  public StepCancelledException() {
    super("the run was cancelled");
  }
}
