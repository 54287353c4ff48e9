package io.sparkstep.spi.util;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Hides secret values before anything is written to a log, a stored spec, a run record or the terminal. A key is
 * secret when it matches {@link #SECRET_KEY_REGEX} or is declared secret by a flavor; a value is secret once it is
 * {@linkplain #register registered} for a run (see {@link RunSecrets}, which registers every value that came from a
 * secret reference or sits under a secret-looking key).
 *
 * <p>The registry lives as long as the JVM: a value scrubbed once stays scrubbed for every later line, including
 * lines of another run in the same JVM. Over-scrubbing a value that is also used elsewhere is the safe failure.
 */
public final class Redactor {
  public static final String REDACTED = "*********(redacted)";
  /**
   * Key words of secret settings. Spark's own default for {@code spark.redaction.regex} is
   * {@code (?i)secret|password|token|access[.]?key}; this adds the other words credentials go by.
   */
  public static final String SECRET_KEY_REGEX = "(?i)secret|passw|pass\\b|pass[._-]|pwd|token|access[._-]?key"
      + "|credential|private[._-]?key|\\bsas\\b|sas[._-]?token|api[._-]?key|auth[._-]?key|signature"
      + "|connection[._-]?string|keytab";
  private static final Pattern SECRET_KEY = Pattern.compile(SECRET_KEY_REGEX);
  /** Shorter values are not scrubbed: replacing "1" or "true" everywhere would make logs unreadable. */
  static final int MIN_SECRET_LENGTH = 4;
  private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

  private Redactor() {
  }

  public static boolean isSecretKey(String key) {
    return key != null && !NOT_SECRETS.contains(key) && SECRET_KEY.matcher(key).find();
  }

  /**
   * Names the key words match that hold no secret: the shell's working directories. Scrubbing them would redact
   * every path under the directory the CLI was started in (output URIs, log locations) from records and logs.
   */
  private static final Set<String> NOT_SECRETS = Set.of("PWD", "OLDPWD");

  /** Registers a secret value: from now on {@link #scrub} replaces it in every text of this JVM. */
  public static void register(String secretValue) {
    if (secretValue != null && secretValue.length() >= MIN_SECRET_LENGTH) {
      REGISTERED.add(secretValue);
    }
  }

  public static void registerAll(Iterable<String> secretValues) {
    for (String value : secretValues) {
      register(value);
    }
  }

  /** The values registered so far (to hand to a child process's scrubbing, never to print). */
  public static Set<String> registered() {
    return Set.copyOf(REGISTERED);
  }

  /** A copy of {@code values} with secret keys' values and registered values replaced. */
  public static Map<String, String> redact(Map<String, String> values, Set<String> alsoSecret) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, isSecretKey(k) || alsoSecret.contains(k) ? REDACTED : scrub(v)));
    return out;
  }

  public static Map<String, String> redact(Map<String, String> values) {
    return redact(values, Set.of());
  }

  /** Replaces every registered secret value in {@code text}. */
  public static String scrub(String text) {
    return scrub(text, List.of());
  }

  /** Replaces every occurrence of the given secret values, and of every registered one, in {@code text}. */
  public static String scrub(String text, Iterable<String> secretValues) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secretValues) {
      register(secret);
    }
    // Longest first, so a secret that contains another is replaced whole.
    for (String secret : REGISTERED.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      if (out.contains(secret)) {
        out = out.replace(secret, REDACTED);
      }
    }
    return out;
  }

  /**
   * Spark's {@code spark.redaction.regex} for a run: Spark's own words and Sparkstep's, so Spark's logs, event log
   * and UI redact every entry whose key looks like a secret's. Registered values are not put in it: the regex is
   * itself conf, and conf must not carry secrets.
   */
  public static String sparkRedactionRegex() {
    return SECRET_KEY_REGEX;
  }
}
