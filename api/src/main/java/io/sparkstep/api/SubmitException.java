package io.sparkstep.api;

/**
 * A run could not be started: the platform refused the submission or could not be reached (the CLI's exit code 3).
 * Bad input never gets this far; it is refused before anything is launched. The platform's own failure is the
 * cause, and the message is its first line.
 */
public class SubmitException extends Exception {
  private final boolean retryable;

  public SubmitException(String message, Throwable cause, boolean retryable) {
    super(firstLine(message), cause);
    this.retryable = retryable;
  }

  /** Throttling, a 5xx or a failed connection: submitting the same run again may well succeed. */
  public boolean retryable() {
    return retryable;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return null;
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
