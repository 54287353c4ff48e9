package io.sparkstep.spi;

/**
 * The platform or cluster failed or could not be reached (exit code 3). {@link #retryable} marks throttling, 5xx
 * and connection failures worth another submission attempt.
 */
public class PlatformException extends Exception {
  private final boolean retryable;

  public PlatformException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public PlatformException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
