package io.sparkstep.util;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hides secret values before anything is written to a log, a stored spec or a run record. A key is secret when it
 * matches Spark's own redaction pattern (extended with credential words) or is declared secret by a flavor.
 */
public final class Redactor {
  public static final String REDACTED = "*********(redacted)";
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i)secret|password|passwd|token|access[._-]?key|credential|private[._-]?key|sas|api[._-]?key");

  private Redactor() {
  }

  public static boolean isSecretKey(String key) {
    return key != null && SECRET_KEY.matcher(key).find();
  }

  /** A copy of {@code values} with secret keys' values replaced. */
  public static Map<String, String> redact(Map<String, String> values, Set<String> alsoSecret) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, isSecretKey(k) || alsoSecret.contains(k) ? REDACTED : v));
    return out;
  }

  public static Map<String, String> redact(Map<String, String> values) {
    return redact(values, Set.of());
  }

  /** Replaces every occurrence of the given secret values in {@code text}. */
  public static String scrub(String text, Iterable<String> secretValues) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secretValues) {
      if (secret != null && secret.length() >= 4) {
        out = out.replace(secret, REDACTED);
      }
    }
    return out;
  }
}
