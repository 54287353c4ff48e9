package io.sparkstep.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code sparkstep} as a user runs it: the binary tarball (named by the system property {@value #TARBALL_PROPERTY})
 * unpacked once per JVM into a temp directory (or, where the property names one, an unpacked distribution in place), its {@code bin/sparkstep} started with {@code HOME} and
 * {@code SPARKSTEP_HOME} beside the test's files, flavors loaded from its {@code lib/} and {@code plugins/} only, and
 * the test's step jars on {@code SPARKSTEP_CLASSPATH} (loaded in the CLI's user-jar loader, never on its class path).
 * Nothing of this JVM's class path or of {@code ~/.m2} reaches the CLI.
 */
public final class DistributionCli implements CliLauncher {
  public static final String TARBALL_PROPERTY = "sparkstep.test.distribution";
  /** Where the class-data archives of {@code bin/sparkstep} go, shared by the test classes of one build. */
  public static final String CDS_DIR_PROPERTY = "sparkstep.test.cdsDir";
  private static Path unpacked;

  private final List<Path> stepJars;

  private DistributionCli(List<Path> stepJars) {
    this.stepJars = List.copyOf(stepJars);
  }

  /** The distribution with the test steps of the engine's test-jar (and {@code stepJars}) as the user's jars. */
  public static DistributionCli withTestSteps(Path... stepJars) {
    List<Path> jars = new ArrayList<>();
    jars.add(codeSource(SecretLeakingStep.class));
    jars.addAll(List.of(stepJars));
    return new DistributionCli(jars);
  }

  /** The jar (or class directory) {@code type} was loaded from. */
  public static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The unpacked distribution's root (bin/, lib/, plugins/, conf/), unpacked on first use. */
  public static synchronized Path root() {
    if (unpacked == null) {
      String tarball = System.getProperty(TARBALL_PROPERTY);
      if (tarball != null && Files.isRegularFile(Path.of(tarball, "bin", "sparkstep"))) {
        // an unpacked distribution (a custom flavor's directory added under plugins/): used in place
        unpacked = Path.of(tarball);
        return unpacked;
      }
      if (tarball == null || !Files.isRegularFile(Path.of(tarball))) {
        throw new IllegalStateException("-D" + TARBALL_PROPERTY + " names no tarball: " + tarball
            + " (build the dist module first: ./mvnw -pl dist -am package)");
      }
      try {
        Path dir = Files.createTempDirectory("sparkstep-dist-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        // tar, as a user unpacks it: the launcher's mode bits and the layout come out as shipped
        Process tar = new ProcessBuilder("tar", "xzf", tarball, "-C", dir.toString()).inheritIO().start();
        if (!tar.waitFor(2, TimeUnit.MINUTES) || tar.exitValue() != 0) {
          throw new IllegalStateException("tar xzf " + tarball + " failed");
        }
        try (Stream<Path> top = Files.list(dir)) {
          unpacked = top.filter(Files::isDirectory).findFirst()
              .orElseThrow(() -> new IllegalStateException("the tarball has no top directory: " + tarball));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return unpacked;
  }

  @Override
  public CliProcess run(Path home, Duration timeout, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root().resolve("bin").resolve("sparkstep").toString()));
    command.addAll(List.of(args));
    Path userHome = Files.createDirectories(home.resolveSibling("user-home"));
    return CliProcess.run(command, environment -> {
      // a user's shell: nothing of the build's Sparkstep or Spark settings, only what the test exports
      environment.keySet().removeIf(name -> name.startsWith("SPARK") && !name.equals(SecretRoutes.ENV_NAME)
          || name.equals("CLASSPATH") || name.startsWith("MAVEN"));
      environment.put("HOME", userHome.toString());
      environment.put("SPARKSTEP_HOME", home.toString());
      environment.put("SPARKSTEP_CLASSPATH",
          stepJars.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
      // the CLI only submits and follows (local runs: one small step at a time)
      environment.put("SPARKSTEP_HEAP", "1g");
      String cdsDir = System.getProperty(CDS_DIR_PROPERTY);
      if (cdsDir != null) {
        environment.put("SPARKSTEP_CDS_DIR", cdsDir);
      }
      environment.putAll(env);
    }, timeout);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is the OS's to clean
    }
  }
}
