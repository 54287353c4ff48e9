package io.sparkstep.api;

/**
 * Where one step of a pipeline run stands: not started yet (PENDING), the states of its step run, or SKIPPED when a
 * step it reads from did not succeed.
 */
public enum PipelineStepState {
  PENDING,
  SUBMITTED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  UNKNOWN,
  SKIPPED;

  public static PipelineStepState of(RunState state) {
    return valueOf(state.name());
  }

  /** A state this step run will not leave (SKIPPED included); UNKNOWN is not final, as for runs. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == SKIPPED;
  }
}
