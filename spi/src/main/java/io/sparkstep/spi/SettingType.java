package io.sparkstep.spi;

import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.spec.ValidationProblem;

/** The kinds of value a flavor setting takes; each refuses text that is not of its kind, naming the fix. */
public enum SettingType {
  STRING("text"),
  INT("whole number"),
  LONG("whole number"),
  BOOLEAN("true|false"),
  /** A size in Spark's notation: 512m, 4g. */
  MEMORY("memory size"),
  /** Comma-separated values. */
  LIST("comma-separated list");

  private final String label;

  SettingType(String label) {
    this.label = label;
  }

  /** How {@code flavor list} names the type. */
  public String label() {
    return label;
  }

  /** Why {@code value} (resolved, not blank) is not of this type, or null. */
  public ValidationProblem problem(String key, String value) {
    String text = value.trim();
    return switch (this) {
      case STRING, LIST -> null;
      case INT, LONG -> isWholeNumber(text) ? null : ValidationProblem.of(key, "'" + value + "' is not a whole number"
          + (this == INT && text.matches("-?\\d+") ? " of at most " + Integer.MAX_VALUE : ""),
          "e.g. --set " + key + "=2");
      case BOOLEAN -> text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false") ? null
          : ValidationProblem.of(key, "'" + value + "' is not true or false", "--set " + key + "=true or false");
      case MEMORY -> MemorySize.isMemory(text) ? null
          : ValidationProblem.of(key, "'" + value + "' is not a memory size", "use Spark notation such as 512m or 4g");
    };
  }

  private boolean isWholeNumber(String text) {
    try {
      if (this == INT) {
        Integer.parseInt(text);
      } else {
        Long.parseLong(text);
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
