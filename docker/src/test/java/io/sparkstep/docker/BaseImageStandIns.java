package io.sparkstep.docker;

import io.sparkstep.flavor.sparksubmit.SparkDistribution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SIMULATED: what the step images' base images hold, for {@link ImageTree}. The official {@code apache/spark} image is
 * Spark's binary distribution on a JDK: here its {@code /opt/spark/jars} are the jars Maven resolves for spark-sql and
 * spark-kubernetes (target/spark-image-jars.txt, links, not copies), its {@code bin/spark-submit} and
 * {@code spark-class} run Spark's own launcher library as a Spark install's scripts do (the spark-submit flavor's
 * {@link SparkDistribution#writeLauncherScripts}), its {@code /opt/entrypoint.sh} is a stand-in written here
 * (spark-image-entrypoint.sh) and its JDK is the one running this check. {@code nvidia/cuda} is an OS with no Java:
 * the GPU Dockerfile installs one itself.
 *
 * <p>Not covered: jars of the distribution that spark-sql and spark-kubernetes do not pull (Hive, YARN, MLlib, ...),
 * Spark's real shell scripts and entrypoint, tini, and the OS of either image (bash, coreutils come from this machine).
 */
final class BaseImageStandIns {
  static final String SPARK_IMAGE = "apache/spark:";
  static final String CUDA_IMAGE = "nvidia/cuda:";
  private static final String OS_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private BaseImageStandIns() {
  }

  /** The stand-ins by image name prefix, Spark's jars read from {@code sparkJarList} (a class path file). */
  static Map<String, ImageTree.BaseImage> all(Path sparkJarList) {
    Map<String, ImageTree.BaseImage> bases = new LinkedHashMap<>();
    bases.put(SPARK_IMAGE, stage -> spark(stage, sparkJars(sparkJarList)));
    bases.put(CUDA_IMAGE, stage -> stage.putEnv("PATH", OS_PATH));
    return bases;
  }

  static List<Path> sparkJars(Path classpathFile) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (String entry : Files.readString(classpathFile).strip().split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        jars.add(Path.of(entry));
      }
    }
    if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith("spark-kubernetes_"))) {
      throw new IllegalStateException(classpathFile + " lists no spark-kubernetes jar: not Spark's image jars");
    }
    return jars;
  }

  private static void spark(ImageTree stage, List<Path> jars) throws IOException {
    Path javaHome = Path.of(System.getProperty("java.home"));
    stage.installJdk(javaHome);
    // The image's JDK lives at /opt/java/openjdk (eclipse-temurin), on PATH and as JAVA_HOME.
    stage.claim("/opt/java/openjdk");
    Files.createDirectories(stage.file("/opt/java"));
    Files.createSymbolicLink(stage.file("/opt/java/openjdk"), javaHome.toRealPath());
    stage.putEnv("JAVA_HOME", "/opt/java/openjdk");
    stage.putEnv("PATH", "/opt/java/openjdk/bin:" + OS_PATH);
    for (Path jar : jars) {
      stage.placeFile(jar, "/opt/spark/jars/" + jar.getFileName());
    }
    SparkDistribution.writeLauncherScripts(stage.file("/opt/spark"));
    stage.claim("/opt/spark/bin");
    stage.writeFile("/opt/entrypoint.sh", resource("spark-image-entrypoint.sh"), "rwxr-xr-x");
    stage.writeFile("/opt/decom.sh", "#!/usr/bin/env bash\n"
        + "# SIMULATED: stands in for Spark's executor decommission script; no check here runs it.\n"
        + "echo 'decom.sh stand-in' >&2\nexit 1\n", "rwxr-xr-x");
    stage.putEnv("SPARK_HOME", "/opt/spark");
    stage.setWorkdir("/opt/spark/work-dir");
    stage.setEntrypoint(List.of("/opt/entrypoint.sh"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = BaseImageStandIns.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
