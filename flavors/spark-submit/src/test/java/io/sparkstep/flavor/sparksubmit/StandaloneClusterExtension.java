package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.CopyStep;
import io.sparkstep.spi.util.SparkstepHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Spark standalone cluster for the whole test JVM: a Master and two Workers, each its own JVM from the Spark
 * home assembled from the test class path (2 cores and 1g each; executors and drivers of 512m). Surefire runs the
 * module's classes in one fork, so the first class that names this extension starts it and every later class reuses
 * it; it is stopped, with every process it started, when the JUnit run ends. A test that breaks it (kills a Worker)
 * calls {@link #discard()}, and the next class that needs it gets a fresh one.
 */
public final class StandaloneClusterExtension implements BeforeAllCallback {
  /**
   * The module's Sparkstep home (surefire's {@code sparkstep.home}), read when a test class first names this
   * extension, before any class's own home extension moves {@code sparkstep.home}.
   */
  private static final Path MODULE_HOME = SparkstepHome.resolve();
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(StandaloneClusterExtension.class);
  private static LocalCluster cluster;

  /** The shared cluster, started if no live one is held. */
  static synchronized LocalCluster cluster() {
    if (cluster == null || !cluster.alive()) {
      cluster = start();
    }
    return cluster;
  }

  /** Stops the shared cluster now (a test left it with a Worker killed); the next {@link #cluster()} starts anew. */
  static synchronized void discard() throws IOException {
    if (cluster != null) {
      cluster.stop();
      cluster = null;
    }
  }

  /** The module's Sparkstep home: the operators of the extension's users and the assembled Spark distribution. */
  static Path home() {
    return MODULE_HOME;
  }

  /** The engine's test jar, with the test steps: shipped to the cluster through the {@code jars} setting. */
  static Path testStepsJar() {
    try {
      return Paths.get(CopyStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Settings of an operator for the shared cluster: the test steps' jar, small drivers and executors, no UI. (Their
   * JVMs compile with C1 only, as every JVM of a test does: the build's JAVA_TOOL_OPTIONS reach them through the
   * daemons' environment.)
   */
  static Map<String, String> operatorSettings(String deployMode) {
    Map<String, String> settings = cluster().operatorSettings(deployMode);
    settings.put("jars", testStepsJar().toString());
    settings.put("conf.spark.executor.memory", "512m");
    settings.put("conf.spark.driver.memory", "512m");
    settings.put("conf.spark.ui.enabled", "false");
    return settings;
  }

  /** Registers a spark-submit operator for the shared cluster in the module's home and returns its name. */
  static String operator(String name, String deployMode, Map<String, String> extra) {
    Map<String, String> settings = operatorSettings(deployMode);
    settings.putAll(extra);
    new OperatorStore(MODULE_HOME, new FlavorRegistry()).register(name, SparkSubmitFlavor.NAME, settings, true);
    return name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // the root store closes what it holds when the whole JUnit run ends: the cluster outlives each class
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Lifetime.class, key -> new Lifetime(), Lifetime.class);
    cluster();
  }

  private static LocalCluster start() {
    try {
      SparkDistribution spark = SparkDistribution.assemble(MODULE_HOME.resolve("spark-dist"));
      Path state = MODULE_HOME.resolve("test-cluster");
      LocalCluster.load(state).ifPresent(stale -> {
        try {
          stale.stop();
        } catch (Exception ignored) {
          // a cluster left by a killed earlier test run; its processes are gone or now stopped
        }
      });
      return LocalCluster.start(spark, state, 2, 2, "1g", "256m", Duration.ofSeconds(120));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the shared cluster when the JUnit run ends. */
  private static final class Lifetime implements AutoCloseable {
    @Override
    public void close() throws IOException {
      discard();
    }
  }
}
