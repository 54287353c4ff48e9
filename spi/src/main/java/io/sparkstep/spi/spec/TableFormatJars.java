package io.sparkstep.spi.spec;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The jars a run's table formats (Delta, Iceberg) need in its driver and executors, where the submitting process
 * loads them (the distribution's {@code lib/}): a flavor whose driver starts from another class path (a Spark
 * install's {@code jars/}) ships them with the run, as files, so no cluster needs to download or preinstall them.
 */
public final class TableFormatJars {
  /** A class of each jar a format needs; Delta's Unity Catalog client is taken where present. */
  private static final Map<Format, List<String>> JAR_CLASSES = Map.of(
      Format.DELTA, List.of("io.delta.sql.DeltaSparkSessionExtension", "io.delta.storage.LogStore",
          "io.unitycatalog.client.ApiClient"),
      Format.ICEBERG, List.of("org.apache.iceberg.spark.source.IcebergSource"));

  private TableFormatJars() {
  }

  /**
   * The local jar files, each once, of the table formats {@code spec} reads or writes, as {@code loader} finds them;
   * none for a run without tables. A class the loader lacks is left out: validation refuses that format before.
   */
  public static List<Path> forRun(StepSpec spec, ClassLoader loader) {
    Set<Path> jars = new LinkedHashSet<>();
    for (Format format : Format.values()) {
      if (format.isTable() && uses(spec, format)) {
        for (String className : JAR_CLASSES.get(format)) {
          jarOf(className, loader).ifPresent(jars::add);
        }
      }
    }
    return new ArrayList<>(jars);
  }

  /**
   * {@code spec}'s own jars followed by its table formats' (as local paths), each once: what a flavor that stages the
   * user's jars for its container checks and stages.
   */
  public static List<String> withUserJars(StepSpec spec, ClassLoader loader) {
    Set<String> jars = new LinkedHashSet<>(spec.jars);
    forRun(spec, loader).forEach(jar -> jars.add(jar.toString()));
    return new ArrayList<>(jars);
  }

  private static boolean uses(StepSpec spec, Format format) {
    List<ArtifactSpec> artifacts = new ArrayList<>(spec.inputs.values());
    artifacts.addAll(spec.outputs.values());
    for (ArtifactSpec artifact : artifacts) {
      if (artifact != null && artifact.format != null && artifact.format.trim().equalsIgnoreCase(format.sparkName())) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Path> jarOf(String className, ClassLoader loader) {
    try {
      CodeSource source = Class.forName(className, false, loader).getProtectionDomain().getCodeSource();
      Path location = source == null ? null : Path.of(source.getLocation().toURI());
      return location != null && Files.isRegularFile(location) ? Optional.of(location)
          : Optional.empty();
    } catch (ClassNotFoundException | LinkageError | URISyntaxException e) {
      return Optional.empty();
    }
  }
}
