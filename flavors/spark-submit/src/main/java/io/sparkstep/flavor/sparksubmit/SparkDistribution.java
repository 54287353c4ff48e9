package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.util.JavaCommand;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Spark home for machines without a Spark install: a directory whose {@code jars/} links the Spark jars this JVM
 * already has (Maven's), plus small {@code bin/spark-submit} and {@code bin/spark-class} scripts. SparkLauncher runs
 * {@code $SPARK_HOME/bin/spark-submit}; standalone Workers build executor and driver class paths from
 * {@code $SPARK_HOME/jars} and need {@code SPARK_SCALA_VERSION} to accept a home without build directories.
 *
 * <p>It holds Spark's own jars and the object-store connectors the distribution ships (see
 * {@link #sparkJarsOnClasspath}), as a cloud build of Spark does: drivers and executors of the local clusters started
 * from it read and write s3a, gs and abfss like the CLI. The step's code reaches the cluster only as the application
 * jar and {@code spark.jars}, exactly as on a real Spark install.
 */
public final class SparkDistribution {
  public static final String SCALA_VERSION = "2.13";
  private final Path home;

  private SparkDistribution(Path home) {
    this.home = home;
  }

  /** An existing Spark home given by the user (a real install or an earlier assembly). */
  public static SparkDistribution at(Path home) {
    return new SparkDistribution(home.toAbsolutePath());
  }

  public Path home() {
    return home;
  }

  /** Environment every Spark process from this home needs. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", SCALA_VERSION);
    return env;
  }

  /** The classpath of a daemon (Master, Worker) started from this home. */
  public String daemonClasspath() {
    return home.resolve("jars") + File.separator + "*";
  }

  /** True when this looks like a usable Spark home; the reason otherwise. */
  public String problem() {
    if (!Files.isDirectory(home.resolve("jars"))) {
      return "has no jars/ directory";
    }
    if (!Files.isExecutable(home.resolve("bin").resolve("spark-submit"))) {
      return "has no executable bin/spark-submit";
    }
    return null;
  }

  /**
   * The distribution for this JVM's class path under {@code baseDir}, assembled once per distinct set of jars (the
   * directory name is a digest of the jar list, so a changed build gets a fresh one and concurrent users share it).
   */
  public static synchronized SparkDistribution assemble(Path baseDir) {
    List<Path> jars = sparkJarsOnClasspath();
    if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith("spark-core_"))) {
      throw new IllegalStateException("no spark-core jar on this JVM's class path to assemble a Spark home from; "
          + "set sparkHome to a Spark installation");
    }
    Path target = baseDir.resolve("spark-" + digest(jars)).toAbsolutePath();
    if (Files.isExecutable(target.resolve("bin").resolve("spark-submit"))) {
      return new SparkDistribution(target);
    }
    try {
      Files.createDirectories(baseDir);
      // Built beside the target and renamed into place, so a half-built home is never used by another process.
      Path building = Files.createTempDirectory(baseDir, ".building-");
      Path jarDir = Files.createDirectories(building.resolve("jars"));
      for (Path jar : jars) {
        Path link = jarDir.resolve(jar.getFileName().toString());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
      Files.createDirectories(building.resolve("conf"));
      writeLauncherScripts(building);
      try {
        Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // another process assembled the same home first; use theirs
        deleteTree(building);
        if (!Files.isExecutable(target.resolve("bin").resolve("spark-submit"))) {
          throw raced;
        }
      }
      return new SparkDistribution(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot assemble a Spark home under " + baseDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Spark's own jars and the connectors on this JVM's class path: those whose file names the build listed (the
   * {@link #SPARK_JARS_RESOURCES}, Spark's and sparkstep-connectors' dependency trees as this module saw them). Nothing
   * else: neither Sparkstep's jars (they travel as the application jar), nor the user's (spark.jars), nor a flavor's
   * SDKs, which would otherwise land on every Master, Worker, driver and executor class path. A connector missing
   * from the class path is simply not linked; the driver's validation then names the scheme it cannot serve.
   */
  static List<Path> sparkJarsOnClasspath() {
    Set<String> sparkJars = sparkJarNames();
    List<Path> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.endsWith(".jar")) {
        continue;
      }
      Path jar = Paths.get(entry).toAbsolutePath();
      if (sparkJars.contains(jar.getFileName().toString()) && Files.isRegularFile(jar)) {
        jars.add(jar);
      }
    }
    return jars;
  }

  /** Spark's and the connectors' dependency trees as this module's build resolved them (see its pom). */
  static final List<String> SPARK_JARS_RESOURCES = List.of("spark-jars.txt");

  /** File names of Spark's runtime jars and the connectors, as this module was built against. */
  static Set<String> sparkJarNames() {
    Set<String> names = new HashSet<>();
    for (String resource : SPARK_JARS_RESOURCES) {
      try (InputStream in = SparkDistribution.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is missing from the spark-submit flavor's jar");
        }
        for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("[:\\s]+")) {
          if (entry.endsWith(".jar")) {
            names.add(entry.substring(entry.lastIndexOf('/') + 1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return names;
  }

  /**
   * Writes {@code bin/spark-class} and {@code bin/spark-submit} into a Spark home whose {@code jars/} holds Spark's
   * jars: what a Spark install's scripts do, through Spark's own launcher library. The step images' tests use them
   * for the {@code /opt/spark/bin} of the base image they stand in for.
   */
  public static void writeLauncherScripts(Path home) throws IOException {
    Path bin = Files.createDirectories(home.resolve("bin"));
    writeScript(bin.resolve("spark-class"), sparkClassScript());
    writeScript(bin.resolve("spark-submit"), sparkSubmitScript());
  }

  /*
   * spark-class asks Spark's launcher library for the full java command (driver memory, extra java options, the
   * Java 17 module flags) exactly as a real install does, then runs it. The launcher prints the command as
   * NUL-separated words after a marker (a NUL and a newline), which is dropped.
   */
  private static String sparkClassScript() {
    return "#!/usr/bin/env bash\n"
        + "# Generated by Sparkstep: runs a Spark class with the command Spark's launcher library builds.\n"
        + "export SPARK_HOME=\"${SPARK_HOME:-$(cd \"$(dirname \"$0\")/..\" && pwd)}\"\n"
        + "export SPARK_SCALA_VERSION=\"${SPARK_SCALA_VERSION:-" + SCALA_VERSION + "}\"\n"
        + "JAVA_BIN=\"${JAVA_HOME:+$JAVA_HOME/bin/java}\"\n"
        + "JAVA_BIN=\"${JAVA_BIN:-" + JavaCommand.javaBinary() + "}\"\n"
        + "words=()\n"
        + "while IFS= read -r -d '' word; do\n"
        + "  word=\"${word#$'\\n'}\"\n"
        + "  [ -n \"$word\" ] && words+=(\"$word\")\n"
        + "done < <(\"$JAVA_BIN\" -Xmx128m -cp \"$SPARK_HOME/jars/*\" org.apache.spark.launcher.Main \"$@\")\n"
        + "if [ ${#words[@]} -eq 0 ]; then\n"
        + "  echo \"spark-class: Spark's launcher built no command\" >&2\n"
        + "  exit 1\n"
        + "fi\n"
        + "exec \"${words[@]}\"\n";
  }

  private static String sparkSubmitScript() {
    return "#!/usr/bin/env bash\n"
        + "# Generated by Sparkstep: spark-submit of a Spark home assembled from Maven jars.\n"
        + "export SPARK_HOME=\"${SPARK_HOME:-$(cd \"$(dirname \"$0\")/..\" && pwd)}\"\n"
        + "exec \"$SPARK_HOME/bin/spark-class\" org.apache.spark.deploy.SparkSubmit \"$@\"\n";
  }

  private static void writeScript(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String digest(List<Path> jars) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path jar : jars) {
        sha.update(jar.toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
