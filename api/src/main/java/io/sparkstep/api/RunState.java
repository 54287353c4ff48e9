package io.sparkstep.api;

/**
 * The states of a run (contract): {@code SUBMITTED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED}, and
 * {@code UNKNOWN} while a platform cannot be reached. Terminal states are final.
 */
public enum RunState {
  SUBMITTED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  UNKNOWN;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** Exit code of the CLI and the entrypoint for a run that ended in this state (contract). */
  public int exitCode() {
    switch (this) {
      case SUCCEEDED:
        return ExitCode.SUCCEEDED;
      case CANCELLED:
        return ExitCode.CANCELLED;
      case UNKNOWN:
        return ExitCode.PLATFORM_ERROR;
      default:
        return ExitCode.STEP_FAILED;
    }
  }
}
