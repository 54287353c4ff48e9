package io.sparkstep.spec;

/**
 * One thing wrong with a spec or an operator config: where (a field path such as {@code params.rows}), what, and
 * how to fix it.
 */
public record ValidationProblem(String field, String message, String hint) {

  public static ValidationProblem of(String field, String message, String hint) {
    return new ValidationProblem(field, message, hint);
  }

  @Override
  public String toString() {
    return field + ": " + message + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
  }
}
