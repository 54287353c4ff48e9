package io.sparkstep.spi;

import io.sparkstep.spi.spec.ValidationProblem;
import java.util.Arrays;
import java.util.List;

/**
 * One setting of a flavor, declared once: its key, help, type, default and extra check. The registry checks every
 * value against this declaration at register and before each run, {@code flavor list} shows it, and
 * {@link OperatorConfig}'s typed getters apply its default, so no flavor parses, checks or repeats it.
 *
 * <p>Secret options are never printed, stored in specs or written to run records; users give them as
 * {@code ${ENV_VAR}} so the operator file holds only the variable's name.
 */
public record ConfigOption(String key, String description, SettingType type, boolean required, String defaultValue,
    boolean secret, boolean secretReference, SettingCheck check) {

  public ConfigOption {
    if (defaultValue != null) {
      // A default that its own declaration refuses is a flavor's bug: fail when the flavor is loaded, not at a run.
      ValidationProblem problem = type.problem(key, defaultValue);
      if (problem == null && check != null) {
        problem = check.problem(key, defaultValue);
      }
      if (problem != null) {
        throw new IllegalArgumentException("default of setting " + key + ": " + problem);
      }
    }
    if (secret && (type != SettingType.STRING || check != null)) {
      // A type or check problem would echo the value; a secret's value must never appear in a message.
      throw new IllegalArgumentException("secret setting " + key + " must be a plain string without a check");
    }
  }

  public static ConfigOption optional(String key, String defaultValue, String description) {
    return new ConfigOption(key, description, SettingType.STRING, false, defaultValue, false, false, null);
  }

  public static ConfigOption required(String key, String description) {
    return new ConfigOption(key, description, SettingType.STRING, true, null, false, false, null);
  }

  public static ConfigOption ofInt(String key, int defaultValue, String description) {
    return new ConfigOption(key, description, SettingType.INT, false, Integer.toString(defaultValue), false, false,
        null);
  }

  public static ConfigOption ofLong(String key, long defaultValue, String description) {
    return new ConfigOption(key, description, SettingType.LONG, false, Long.toString(defaultValue), false, false,
        null);
  }

  public static ConfigOption ofBoolean(String key, boolean defaultValue, String description) {
    return new ConfigOption(key, description, SettingType.BOOLEAN, false, Boolean.toString(defaultValue), false,
        false, null);
  }

  /** A size in Spark's notation (512m, 4g); null: no default. */
  public static ConfigOption ofMemory(String key, String defaultValue, String description) {
    return new ConfigOption(key, description, SettingType.MEMORY, false, defaultValue, false, false, null);
  }

  /** Comma-separated values, read as a list without blanks. */
  public static ConfigOption ofList(String key, String description) {
    return new ConfigOption(key, description, SettingType.LIST, false, null, false, false, null);
  }

  public static ConfigOption secret(String key, String description) {
    return new ConfigOption(key, description, SettingType.STRING, false, null, true, false, null);
  }

  /**
   * A setting whose value names a secret kept elsewhere (a Kubernetes Secret, a vault path), never the secret
   * itself: it may be stored and shown even though its key looks like a secret's.
   */
  public static ConfigOption secretReference(String key, String description) {
    return new ConfigOption(key, description, SettingType.STRING, false, null, false, true, null);
  }

  /** The same setting with a check of its (well-typed) value beyond its type. */
  public ConfigOption checkedBy(SettingCheck check) {
    return new ConfigOption(key, description, type, required, defaultValue, secret, secretReference, check);
  }

  /** The same setting, limited to {@code values}; {@code noun} names it in the refusal ("unknown NOUN 'x'"). */
  public ConfigOption oneOf(String noun, String... values) {
    return checkedBy(SettingCheck.oneOf(noun, Arrays.asList(values)));
  }

  /** The same setting as a comma-separated list, read by {@link OperatorConfig#getList}. */
  public ConfigOption asList() {
    return new ConfigOption(key, description, SettingType.LIST, required, defaultValue, secret, secretReference,
        check);
  }

  /** What is wrong with a value given for this setting (resolved, not blank), or null. */
  public ValidationProblem problem(String key, String value) {
    ValidationProblem problem = type.problem(key, value);
    return problem != null || check == null ? problem : check.problem(key, value);
  }

  /** Options whose keys end with '.' take any suffix (e.g. {@code conf.} for {@code conf.spark.x}). */
  public boolean isPrefix() {
    return key.endsWith(".");
  }

  public boolean matches(String candidate) {
    return isPrefix() ? candidate.startsWith(key) && candidate.length() > key.length() : key.equals(candidate);
  }

  /** The values a list setting's text holds: trimmed, blanks dropped. */
  static List<String> items(String value) {
    return value == null ? List.of()
        : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
