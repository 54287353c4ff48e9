package io.sparkstep.spi.accel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Spark conf profile from {@code spark-conf/} ({@code comet.conf}, {@code gpu.conf}) in spark-defaults format:
 * {@code key value} or {@code key=value} per line, {@code #} comments. The engine jar carries a copy of each, so a
 * driver pod reads the same profile as the laptop that submitted it; {@code $SPARKSTEP_CONF_DIR} replaces them.
 */
public final class SparkConfProfile {
  public static final String CONF_DIR_ENV = "SPARKSTEP_CONF_DIR";
  private static final String RESOURCE_DIR = "/io/sparkstep/spi/accel/profiles/";

  private SparkConfProfile() {
  }

  /** The entries of profile {@code fileName}, in file order. */
  public static Map<String, String> load(String fileName) {
    return loadFrom(SparkConfProfile.class, RESOURCE_DIR, fileName);
  }

  /**
   * Profile {@code fileName} from {@code $SPARKSTEP_CONF_DIR}, else from the jar of {@code owner} under
   * {@code resourceDir}: a flavor ships its own profiles (e.g. kubernetes' cpu.conf) the way the engine does.
   */
  public static Map<String, String> loadFrom(Class<?> owner, String resourceDir, String fileName) {
    String dir = System.getenv(CONF_DIR_ENV);
    try {
      if (dir != null && !dir.isBlank()) {
        Path file = Paths.get(dir, fileName);
        if (Files.isRegularFile(file)) {
          return parse(Files.readString(file));
        }
      }
      try (InputStream in = owner.getResourceAsStream(resourceDir + fileName)) {
        if (in == null) {
          throw new IllegalStateException("the jar of " + owner.getSimpleName() + " has no " + fileName + " profile; "
              + "rebuild it (it packages spark-conf/" + fileName + ") or set " + CONF_DIR_ENV);
        }
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Spark conf profile " + fileName + ": " + e.getMessage(), e);
    }
  }

  static Map<String, String> parse(String text) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int split = 0;
      while (split < line.length() && !Character.isWhitespace(line.charAt(split)) && line.charAt(split) != '=') {
        split++;
      }
      String key = line.substring(0, split);
      String value = line.substring(split).strip();
      if (value.startsWith("=")) {
        value = value.substring(1).strip();
      }
      conf.put(key, value);
    }
    return conf;
  }
}
