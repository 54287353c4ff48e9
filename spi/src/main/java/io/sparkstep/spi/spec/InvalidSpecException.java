package io.sparkstep.spi.spec;

import io.sparkstep.api.InvalidInputException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Bad input: a spec, operator config or argument that cannot run. Carries every problem found, so the user fixes
 * them in one go. Maps to exit code 2. Thrown before anything is launched. An embedding application sees it as the
 * API's {@link InvalidInputException}.
 */
public class InvalidSpecException extends InvalidInputException {
  /** Problems shown in a message or on the terminal; the rest are counted. */
  public static final int MAX_SHOWN = 10;
  private final List<ValidationProblem> problems;

  public InvalidSpecException(List<ValidationProblem> problems) {
    super(summary(problems), problems.stream().map(ValidationProblem::toString).toList());
    this.problems = List.copyOf(problems);
  }

  public InvalidSpecException(String field, String message, String hint) {
    this(List.of(ValidationProblem.of(field, message, hint)));
  }

  public List<ValidationProblem> problems() {
    return problems;
  }

  private static String summary(List<ValidationProblem> problems) {
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    return problems.size() + " problems: " + problems.stream().limit(MAX_SHOWN).map(ValidationProblem::toString)
        .collect(Collectors.joining("; ")) + (problems.size() > MAX_SHOWN ? "; ..." : "");
  }
}
