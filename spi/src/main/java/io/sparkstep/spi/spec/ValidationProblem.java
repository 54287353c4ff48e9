package io.sparkstep.spi.spec;

/**
 * One thing wrong with a spec or an operator config: where (a field path such as {@code params.rows}), what, and
 * how to fix it.
 */
public record ValidationProblem(String field, String message, String hint) {

  public static ValidationProblem of(String field, String message, String hint) {
    return new ValidationProblem(field, message, hint);
  }

  /** A value quoted in a message, cut to 120 characters so one bad value cannot flood the error line. */
  public static String shorten(String text) {
    return text.length() > 120 ? text.substring(0, 117) + "..." : text;
  }

  @Override
  public String toString() {
    return field + ": " + message + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
  }
}
