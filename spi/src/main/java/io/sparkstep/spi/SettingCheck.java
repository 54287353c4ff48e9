package io.sparkstep.spi;

import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A rule on one setting's value beyond its {@link SettingType}, declared with the setting ({@link
 * ConfigOption#checkedBy}): the problem with its fix, or null. Called with the resolved value, already of its type.
 */
@FunctionalInterface
public interface SettingCheck {

  ValidationProblem problem(String key, String value);

  /** A whole number not below {@code min}. */
  static SettingCheck atLeast(long min) {
    return (key, value) -> Long.parseLong(value.trim()) >= min ? null
        : ValidationProblem.of(key, "must be at least " + min + ", not " + value.trim(),
            "e.g. --set " + key + "=" + Math.max(min, 2));
  }

  /** A whole number in {@code min..max}. */
  static SettingCheck between(long min, long max) {
    return (key, value) -> {
      long number = Long.parseLong(value.trim());
      return number >= min && number <= max ? null : ValidationProblem.of(key, "must be " + min + ".." + max
          + ", not " + number, "set " + key + " between " + min + " and " + max);
    };
  }

  /** One of {@code values}, exactly. */
  static SettingCheck oneOf(String noun, List<String> values) {
    return (key, value) -> values.contains(value.trim()) ? null
        : ValidationProblem.of(key, "unknown " + noun + " '" + value.trim() + "'", "use " + orList(values));
  }

  /** The whole value matches {@code pattern}; else "'VALUE' is not WHAT" with {@code fix}. */
  static SettingCheck matching(Pattern pattern, String what, String fix) {
    return (key, value) -> pattern.matcher(value.trim()).matches() ? null
        : ValidationProblem.of(key, "'" + value.trim() + "' is not " + what, fix);
  }

  private static String orList(List<String> values) {
    return values.size() == 1 ? values.get(0)
        : String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
  }
}
