package io.sparkstep.spi;

import io.sparkstep.util.EnvInterpolation;
import io.sparkstep.util.Redactor;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  public int getInt(String key, int fallback) {
    String value = get(key);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  public long getLong(String key, long fallback) {
    String value = get(key);
    return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
  }

  public boolean getBoolean(String key, boolean fallback) {
    String value = get(key);
    return value == null || value.isBlank() ? fallback : Boolean.parseBoolean(value.trim());
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

  /** Keys of options declared secret. */
  public Set<String> secretKeys() {
    Set<String> keys = new HashSet<>();
    for (ConfigOption option : options) {
      if (option.secret()) {
        keys.add(option.key());
      }
    }
    return keys;
  }

  /**
   * Settings safe to show or store in a spec: declared-secret or secret-looking keys are redacted unless they only
   * name an environment variable.
   */
  public Map<String, String> redacted() {
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> secret = secretKeys();
    raw.forEach((k, v) -> {
      boolean isSecret = secret.contains(k) || Redactor.isSecretKey(k) && !isSecretReference(k);
      out.put(k, isSecret && !EnvInterpolation.references(v) ? Redactor.REDACTED : v);
    });
    return out;
  }

  /** Resolved values of secret settings, to scrub from any text that might be logged. */
  public List<String> secretValues() {
    List<String> values = new java.util.ArrayList<>();
    Set<String> secret = secretKeys();
    raw.forEach((k, v) -> {
      if (secret.contains(k) || Redactor.isSecretKey(k) && !isSecretReference(k)) {
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
