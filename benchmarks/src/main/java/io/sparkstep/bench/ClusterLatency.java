package io.sparkstep.bench;

import io.sparkstep.flavor.sparksubmit.ApplicationJar;
import io.sparkstep.flavor.sparksubmit.LocalCluster;
import io.sparkstep.flavor.sparksubmit.SparkDistribution;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.FlavorRegistry;
import io.sparkstep.util.SparkstepHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkLauncher;

/**
 * Launch latency on a real standalone cluster (a Master and a Worker on 127.0.0.1, started like {@code sparkstep
 * cluster start}): the one-row step through the spark-submit flavor in client and cluster mode, against raw
 * {@code spark-submit} of a plain Spark job that writes the same row, with the same Spark home and conf. In cluster
 * mode the raw spark-submit waits for the driver to finish ({@code spark.standalone.submit.waitAppCompletion}), which
 * is what the flavor's submit-to-SUCCEEDED measures too.
 */
final class ClusterLatency implements AutoCloseable {
  static final Map<String, String> CONF = Map.of("spark.executor.memory", "512m", "spark.cores.max", "1",
      "spark.driver.memory", "512m");

  private final SparkDistribution spark;
  private final LocalCluster cluster;
  private final Path rawJar;

  private ClusterLatency(SparkDistribution spark, LocalCluster cluster, Path rawJar) {
    this.spark = spark;
    this.cluster = cluster;
    this.rawJar = rawJar;
  }

  /** Starts the cluster and registers operators {@code bench-client} and {@code bench-cluster} in {@code home}. */
  static ClusterLatency start(Path home, Path work) throws IOException {
    SparkDistribution spark = SparkDistribution.assemble(SparkstepHome.resolve().resolve("spark-dist"));
    LocalCluster cluster = LocalCluster.start(spark, work.resolve("cluster"), 1, 2, "2g", "256m",
        Duration.ofMinutes(2));
    try {
      // The benchmark classes: bench-noop for the flavor's driver, RawChildJvm for raw spark-submit.
      Path benchJar = ApplicationJar.jarOf(RawChildJvm.class, work.resolve("sparkstep-benchmarks-classes.jar"));
      OperatorStore operators = new OperatorStore(home, new FlavorRegistry());
      for (String mode : new String[] {"client", "cluster"}) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(cluster.operatorSettings(mode));
        settings.put("jars", benchJar.toString());
        CONF.forEach((k, v) -> settings.put("conf." + k, v));
        operators.register("bench-" + mode, "spark-submit", settings, true);
      }
      return new ClusterLatency(spark, cluster, benchJar);
    } catch (RuntimeException e) {
      cluster.stop();
      throw e;
    }
  }

  /** Raw spark-submit of {@link RawChildJvm} to the cluster; returns when the job (driver) has finished. */
  void rawSubmit(String deployMode, String target) throws Exception {
    SparkLauncher launcher = new SparkLauncher(spark.environment())
        .setSparkHome(spark.home().toString())
        .setMaster(cluster.masterUrl())
        .setDeployMode(deployMode)
        .setAppResource(rawJar.toString())
        .setMainClass(RawChildJvm.class.getName())
        .addAppArgs(target)
        .setConf("spark.standalone.submit.waitAppCompletion", "true")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    CONF.forEach(launcher::setConf);
    Process process = launcher.launch();
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("raw spark-submit (" + deployMode + ") failed");
    }
    if (!Files.exists(Paths.get(java.net.URI.create(target)).resolve("_SUCCESS"))) {
      throw new IllegalStateException("raw spark-submit (" + deployMode + ") wrote nothing to " + target);
    }
  }

  @Override
  public void close() throws IOException {
    cluster.stop();
  }
}
