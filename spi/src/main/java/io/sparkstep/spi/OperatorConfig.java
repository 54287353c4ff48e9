package io.sparkstep.spi;

import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one named operator as the user gave them ({@code ${ENV}} references unresolved). Values are
 * resolved on read, in the process that uses them, so secrets never need to be written down.
 */
public final class OperatorConfig {
  private final String name;
  private final String flavor;
  private final Map<String, String> raw;
  private final List<ConfigOption> options;

  public OperatorConfig(String name, String flavor, Map<String, String> raw, List<ConfigOption> options) {
    this.name = name;
    this.flavor = flavor;
    this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    this.options = List.copyOf(options);
  }

  public String name() {
    return name;
  }

  public String flavor() {
    return flavor;
  }

  /** Settings as stored, with ${ENV} references, never with resolved secrets. */
  public Map<String, String> raw() {
    return raw;
  }

  /** The value with ${ENV} resolved, or the option's default, or null. */
  public String get(String key) {
    String value = raw.get(key);
    if (value == null) {
      value = options.stream().filter(o -> o.key().equals(key)).findFirst().map(ConfigOption::defaultValue).orElse(null);
    }
    return EnvInterpolation.resolve("operator " + name + " setting " + key, value);
  }

  public String get(String key, String fallback) {
    String value = get(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  /**
   * The value of a declared setting, resolved and trimmed; its declared default when it is not set or blank; null
   * when it has neither.
   */
  public String get(ConfigOption option) {
    String value = get(option.key());
    if (value == null || value.isBlank()) {
      return option.defaultValue();
    }
    String trimmed = value.trim();
    // Values were checked before the run (FlavorRegistry.validate); a type is checked again so parsing cannot fail.
    ValidationProblem problem = option.type().problem(option.key(), trimmed);
    if (problem != null) {
      throw new InvalidSpecException("operator " + name + " setting " + problem.field(), problem.message(),
          problem.hint());
    }
    return trimmed;
  }

  public int getInt(ConfigOption option) {
    return Integer.parseInt(typed(option, SettingType.INT));
  }

  public long getLong(ConfigOption option) {
    return Long.parseLong(typed(option, SettingType.LONG));
  }

  public boolean getBoolean(ConfigOption option) {
    return Boolean.parseBoolean(typed(option, SettingType.BOOLEAN));
  }

  /** The items of a comma-separated setting, trimmed, blanks dropped; empty when it is not set. */
  public List<String> getList(ConfigOption option) {
    if (option.type() != SettingType.LIST) {
      throw new IllegalArgumentException("setting " + option.key() + " is declared " + option.type());
    }
    return ConfigOption.items(get(option));
  }

  private String typed(ConfigOption option, SettingType type) {
    if (option.type() != type || option.defaultValue() == null) {
      // A flavor's bug: a number or flag read from a setting declared otherwise, or without a default to fall to.
      throw new IllegalArgumentException("setting " + option.key() + " is declared " + option.type()
          + (option.defaultValue() == null ? " without a default" : "") + ", read as " + type);
    }
    return get(option);
  }

  /** Resolved values of every setting starting with {@code prefix}, keyed by the rest of the key. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), get(k));
      }
    });
    return out;
  }

  /** Whether the setting is declared secret, by its key or by a secret prefix it falls under. */
  public boolean isDeclaredSecret(String key) {
    return options.stream().anyMatch(o -> o.secret() && o.matches(key));
  }

  /** Whether a setting's value is a secret: declared so (also through a secret prefix), or its key looks like one. */
  private boolean isSecret(String key) {
    return isDeclaredSecret(key) || Redactor.isSecretKey(key) && !isSecretReference(key);
  }

  /**
   * Settings safe to show or store in a spec: declared-secret or secret-looking keys are redacted unless they only
   * name an environment variable.
   */
  public Map<String, String> redacted() {
    Map<String, String> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> {
      out.put(k, isSecret(k) && !EnvInterpolation.references(v) ? Redactor.REDACTED : v);
    });
    return out;
  }

  /** Resolved values of secret settings, to scrub from any text that might be logged. */
  public List<String> secretValues() {
    List<String> values = new java.util.ArrayList<>();
    raw.forEach((k, v) -> {
      if (isSecret(k)) {
        try {
          String resolved = get(k);
          if (resolved != null) {
            values.add(resolved);
          }
        } catch (RuntimeException unresolved) {
          // an unset variable has no value to hide
        }
      }
    });
    return values;
  }

  /** Whether the setting names a secret kept elsewhere rather than holding one ({@link ConfigOption#secretReference}). */
  private boolean isSecretReference(String key) {
    return options.stream().anyMatch(o -> o.secretReference() && o.matches(key));
  }
}
