package io.sparkstep.util;

import io.sparkstep.spec.InvalidSpecException;
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

  public static boolean references(String value) {
    return value != null && VARIABLE.matcher(value).find();
  }
}
