package io.sparkstep.spi.util;

import io.sparkstep.spi.spec.InvalidSpecException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} (and {@code ${NAME:-default}}) from the environment, so secrets can be named in operator
 * settings and Spark conf without being written down. {@code $${X}} keeps a literal {@code ${X}}.
 */
public final class EnvInterpolation {
  private static final Pattern VARIABLE = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(:-([^}]*))?}");

  private EnvInterpolation() {
  }

  public static String resolve(String field, String value) {
    return resolve(field, value, System::getenv);
  }

  public static String resolve(String field, String value, Function<String, String> env) {
    if (value == null || !value.contains("${")) {
      return value;
    }
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String whole = matcher.group();
      String replacement;
      if (whole.startsWith("$$")) {
        replacement = whole.substring(1);
      } else {
        String resolved = env.apply(matcher.group(1));
        if (resolved == null) {
          resolved = matcher.group(3);
        }
        if (resolved == null) {
          throw new InvalidSpecException(field, "environment variable " + matcher.group(1) + " is not set",
              "export " + matcher.group(1) + " or give a default as ${" + matcher.group(1) + ":-value}");
        }
        replacement = resolved;
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** Names of the variables {@code value} refers to (not those escaped as {@code $${X}}). */
  public static java.util.List<String> variables(String value) {
    java.util.List<String> names = new java.util.ArrayList<>();
    if (value == null) {
      return names;
    }
    Matcher matcher = VARIABLE.matcher(value);
    while (matcher.find()) {
      if (!matcher.group().startsWith("$$")) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  /**
   * Why {@code value} cannot be resolved with {@code env}: a variable that is unset and has no default, or a
   * {@code ${} that is not a reference; null when it resolves.
   */
  public static String problem(String value, Function<String, String> env) {
    if (value == null || !value.contains("${")) {
      return null;
    }
    String stripped = VARIABLE.matcher(value).replaceAll("");
    if (stripped.contains("${")) {
      return "has a '${' that is not a ${NAME} reference";
    }
    Matcher matcher = VARIABLE.matcher(value);
    while (matcher.find()) {
      if (!matcher.group().startsWith("$$") && env.apply(matcher.group(1)) == null && matcher.group(3) == null) {
        return "environment variable " + matcher.group(1) + " is not set";
      }
    }
    return null;
  }

  public static boolean references(String value) {
    return value != null && VARIABLE.matcher(value).find();
  }
}
