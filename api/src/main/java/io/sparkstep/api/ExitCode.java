package io.sparkstep.api;

/** Process exit codes of the CLI and the entrypoint (contract). */
public final class ExitCode {
  public static final int SUCCEEDED = 0;
  public static final int STEP_FAILED = 1;
  public static final int INVALID_INPUT = 2;
  public static final int PLATFORM_ERROR = 3;
  public static final int CANCELLED = 4;

  private ExitCode() {
  }
}
