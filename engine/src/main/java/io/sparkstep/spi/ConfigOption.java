package io.sparkstep.spi;

/**
 * One setting of a flavor. Secret options are never printed, stored in specs or written to run records; users give
 * them as {@code ${ENV_VAR}} so the operator file holds only the variable's name.
 */
public record ConfigOption(String key, String description, boolean required, String defaultValue, boolean secret,
    boolean secretReference) {

  public static ConfigOption optional(String key, String defaultValue, String description) {
    return new ConfigOption(key, description, false, defaultValue, false, false);
  }

  public static ConfigOption required(String key, String description) {
    return new ConfigOption(key, description, true, null, false, false);
  }

  public static ConfigOption secret(String key, String description) {
    return new ConfigOption(key, description, false, null, true, false);
  }

  /**
   * A setting whose value names a secret kept elsewhere (a Kubernetes Secret, a vault path), never the secret
   * itself: it may be stored and shown even though its key looks like a secret's.
   */
  public static ConfigOption secretReference(String key, String description) {
    return new ConfigOption(key, description, false, null, false, true);
  }

  /** Options whose keys end with '.' take any suffix (e.g. {@code conf.} for {@code conf.spark.x}). */
  public boolean isPrefix() {
    return key.endsWith(".");
  }

  public boolean matches(String candidate) {
    return isPrefix() ? candidate.startsWith(key) && candidate.length() > key.length() : key.equals(candidate);
  }
}
