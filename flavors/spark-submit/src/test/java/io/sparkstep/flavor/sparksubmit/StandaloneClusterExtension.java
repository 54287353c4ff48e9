package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.CopyStep;
import io.sparkstep.spi.util.SparkstepHome;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Spark standalone cluster for a test class: a Master and two Workers, each its own JVM from the Spark home
 * assembled from the test class path (2 cores and 1g each; executors and drivers of 512m). Started once
 * before the class, stopped with every process it started after it.
 */
public final class StandaloneClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private static LocalCluster cluster;
  private static Path home;

  static LocalCluster cluster() {
    return cluster;
  }

  static Path home() {
    return home;
  }

  /** The engine's test jar, with the test steps: shipped to the cluster through the {@code jars} setting. */
  static Path testStepsJar() {
    try {
      return Paths.get(CopyStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Registers a spark-submit operator for the cluster and returns its name. */
  static String operator(String name, String deployMode, Map<String, String> extra) {
    Map<String, String> settings = cluster.operatorSettings(deployMode);
    settings.put("jars", testStepsJar().toString());
    settings.put("conf.spark.executor.memory", "512m");
    settings.put("conf.spark.driver.memory", "512m");
    settings.put("conf.spark.ui.enabled", "false");
    settings.putAll(extra);
    new OperatorStore(home, new FlavorRegistry()).register(name, SparkSubmitFlavor.NAME, settings, true);
    return name;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    home = SparkstepHome.resolve();
    SparkDistribution spark = SparkDistribution.assemble(home.resolve("spark-dist"));
    Path state = home.resolve("test-cluster-" + context.getRequiredTestClass().getSimpleName());
    LocalCluster.load(state).ifPresent(stale -> {
      try {
        stale.stop();
      } catch (Exception ignored) {
        // a cluster left by a killed earlier test run; its processes are gone or now stopped
      }
    });
    cluster = LocalCluster.start(spark, state, 2, 2, "1g", "256m", Duration.ofSeconds(120));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) {
      cluster.stop();
      cluster = null;
    }
  }
}
