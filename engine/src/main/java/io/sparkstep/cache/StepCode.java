package io.sparkstep.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step's code as a key part: the SHA-256 of the jar that defines the step class, or, for a class loaded from a
 * directory (a build's classes), of the class file itself. A jar rebuilt with any change makes a new key; a library the
 * step calls into from another jar does not (version that jar's name, or the step's jar with it).
 */
public final class StepCode {
  /** Jar digests of this process, by path, length and modification time: a pipeline hashes each jar once. */
  private static final Map<String, String> JAR_DIGESTS = new ConcurrentHashMap<>();

  private StepCode() {
  }

  public static String of(Class<?> stepClass) {
    CodeSource source = stepClass.getProtectionDomain().getCodeSource();
    try {
      if (source != null && source.getLocation() != null && "file".equals(source.getLocation().getProtocol())) {
        Path location = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(location)) {
          return ofJar(location);
        }
      }
      String resource = stepClass.getName().replace('.', '/') + ".class";
      ClassLoader loader = stepClass.getClassLoader() == null ? ClassLoader.getSystemClassLoader()
          : stepClass.getClassLoader();
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("the class file " + resource + " cannot be read");
        }
        return "class-sha256:" + HexFormat.of().formatHex(CacheKey.digest().digest(in.readAllBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash the code of step " + stepClass.getName() + ": " + e.getMessage(), e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the step's code location is no file: " + source.getLocation(), e);
    }
  }

  public static String ofJar(Path jar) throws IOException {
    String identity = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
    String known = JAR_DIGESTS.get(identity);
    if (known != null) {
      return known;
    }
    MessageDigest digest = CacheKey.digest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(jar)) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    String value = "jar-sha256:" + HexFormat.of().formatHex(digest.digest());
    JAR_DIGESTS.put(identity, value);
    return value;
  }
}
