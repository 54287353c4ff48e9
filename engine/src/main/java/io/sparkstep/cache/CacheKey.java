package io.sparkstep.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What determines a step's result, as named parts ({@code step}, {@code code}, {@code param.N}, {@code output.N},
 * {@code accelerator}, {@code conf.K}, {@code input.N}), and the key: the SHA-256 of their canonical JSON (parts sorted
 * by name). The parts are kept beside the key so a miss can say which of them changed.
 */
public final class CacheKey {
  static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private final TreeMap<String, String> parts;
  private final String key;

  public CacheKey(Map<String, String> parts) {
    this.parts = new TreeMap<>(parts);
    this.key = sha256(json(this.parts));
  }

  public String key() {
    return key;
  }

  public Map<String, String> parts() {
    return Collections.unmodifiableMap(parts);
  }

  /** The step part: which step the key is of (the index keeps each step's entries together). */
  public String step() {
    return parts.get("step");
  }

  /**
   * What changed from {@code earlier} to this key, one phrase per part, e.g. {@code input trips changed
   * (listing-digest 1a2b3c4d5e6f -> 9f8e7d6c5b4a)}; empty when the parts are equal.
   */
  public List<String> changesSince(Map<String, String> earlier) {
    Set<String> names = new TreeSet<>(parts.keySet());
    names.addAll(earlier.keySet());
    List<String> changes = new ArrayList<>();
    for (String name : names) {
      String before = earlier.get(name);
      String now = parts.get(name);
      if (before == null) {
        changes.add(describe(name) + " added");
      } else if (now == null) {
        changes.add(describe(name) + " removed");
      } else if (!before.equals(now)) {
        changes.add(describe(name) + " changed (" + shorten(before) + " -> " + shorten(now) + ")");
      }
    }
    return changes;
  }

  private static String describe(String part) {
    int dot = part.indexOf('.');
    return dot < 0 ? part : part.substring(0, dot) + " " + part.substring(dot + 1);
  }

  /** A value short enough for a status line: hashes cut to 12 characters, long text to 60. */
  private static String shorten(String value) {
    String shortened = value.replaceAll("([0-9a-f]{12})[0-9a-f]{20,}", "$1");
    return shortened.length() > 60 ? shortened.substring(0, 57) + "..." : shortened;
  }

  static String json(Object value) {
    try {
      return CANONICAL.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value + " as JSON: " + e.getMessage(), e);
    }
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
