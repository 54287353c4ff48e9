package io.sparkstep.api;

import java.util.List;

/**
 * Bad input: a spec, an operator's settings or an argument that cannot run, refused before anything is launched (the
 * CLI's exit code 2). An embedding application catches this one type; the engine's own validation errors extend it.
 */
public class InvalidInputException extends RuntimeException {
  private final List<String> problemLines;

  /**
   * @param problemLines every problem found, one line each: the field, what is wrong and how to fix it
   */
  public InvalidInputException(String message, List<String> problemLines) {
    super(message);
    this.problemLines = List.copyOf(problemLines);
  }

  /** Every problem found, one line each (field: what is wrong (how to fix it)), so all are fixed in one go. */
  public List<String> problemLines() {
    return problemLines;
  }
}
