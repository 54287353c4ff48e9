package io.sparkstep.api;

/**
 * Thrown by a step to mark a failure worth another attempt (a flaky source, a transient outage). Flavors that
 * support {@code maxAttempts} retry only these and submission failures; every other exception fails the run.
 */
public class RetryableStepException extends RuntimeException {
  public RetryableStepException(String message) {
    super(message);
  }

  public RetryableStepException(String message, Throwable cause) {
    super(message, cause);
  }
}
