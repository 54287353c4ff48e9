package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.api.Step;
import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.spi.Flavor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jar spark-submit runs: the engine's (it holds {@link EntrypointContract#MAIN_CLASS} and the sample steps). When the engine is
 * a classes directory (an IDE or a reactor build) it is packed into a jar once, since spark-submit ships only jars.
 */
public final class ApplicationJar {
  private ApplicationJar() {
  }

  static Path engineJar(Path cacheDir) {
    Class<?> entrypoint;
    try {
      // Looked up by name: the flavor links to the SPI only; the engine is on the class path of whoever loads it.
      entrypoint = Class.forName(EntrypointContract.MAIN_CLASS, false, ApplicationJar.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the engine (" + EntrypointContract.MAIN_CLASS + ") is not on the class path; "
          + "set applicationJar", e);
    }
    return jarOf(entrypoint, cacheDir.resolve("sparkstep-engine-classes.jar"));
  }

  /**
   * The jars the engine links to, sparkstep-api and sparkstep-spi, which travel with it as {@code --jars} (a classes
   * directory is packed beside {@code applicationJar}, as the engine's own is).
   */
  static List<Path> engineLibraries(Path applicationJar) {
    return List.of(jarOf(Step.class, applicationJar.resolveSibling("sparkstep-api-classes.jar")),
        jarOf(Flavor.class, applicationJar.resolveSibling("sparkstep-spi-classes.jar")));
  }

  /**
   * The jar holding {@code type}, for spark-submit: the jar itself, or its classes directory packed into
   * {@code packedJar}.
   */
  public static Path jarOf(Class<?> type, Path packedJar) {
    Path location;
    try {
      location = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot locate the jar of " + type.getName() + "; set applicationJar", e);
    }
    if (Files.isRegularFile(location)) {
      return location;
    }
    return pack(location, packedJar);
  }

  private static Path pack(Path classesDir, Path jar) {
    try {
      Files.createDirectories(jar.getParent());
      Path tmp = Files.createTempFile(jar.getParent(), ".engine-", ".jar");
      try (OutputStream file = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(file);
           Stream<Path> files = Files.walk(classesDir)) {
        for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classesDir.relativize(path).toString().replace('\\', '/')));
          Files.copy(path, out);
          out.closeEntry();
        }
      }
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack the engine classes in " + classesDir + " into a jar", e);
    }
  }
}
