package io.sparkstep.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.flavor.sparksubmit.ApplicationJar;
import io.sparkstep.flavor.sparksubmit.LocalCluster;
import io.sparkstep.flavor.sparksubmit.SparkDistribution;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.SparkstepHome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.spark.launcher.SparkLauncher;

/**
 * Launch latency on a real standalone cluster (a Master and a Worker on 127.0.0.1, started like {@code sparkstep
 * cluster start}): the one-row step through the spark-submit flavor in client and cluster mode, against raw
 * {@code spark-submit} of a plain Spark job that writes the same row, with the same Spark home and conf. In cluster
 * mode the raw spark-submit waits for the driver to finish ({@code spark.standalone.submit.waitAppCompletion}), which
 * is what the flavor's submit-to-SUCCEEDED measures too; as spark-submit only asks every 10 s, a second raw variant
 * returns at submission and polls the master like the flavor does.
 */
final class ClusterLatency implements AutoCloseable {
  static final Map<String, String> CONF = Map.of("spark.executor.memory", "512m", "spark.cores.max", "1",
      "spark.driver.memory", "512m");

  /** How often the spark-submit flavor asks the master about a cluster-mode driver (SparkSubmitRun). */
  static final Duration POLL = Duration.ofMillis(500);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

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
    sparkSubmit(deployMode, target, true);
    requireOutput(target);
  }

  /**
   * Raw spark-submit in cluster mode that returns once the master has accepted the driver, then polls the master's
   * {@code /json/} every {@code poll} until that driver is FINISHED: how a script or scheduler would wait for it.
   */
  void rawSubmitAndPoll(String target, Duration poll) throws Exception {
    // The new driver is the one the master did not know before: spark-submit logs its id only at INFO.
    Set<String> before = driverIds(masterState());
    sparkSubmit("cluster", target, false);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      for (JsonNode driver : masterState().path("completeddrivers")) {
        if (!before.contains(driver.path("id").asText())) {
          if (!"FINISHED".equals(driver.path("state").asText())) {
            throw new IllegalStateException("raw driver " + driver.path("id").asText() + " ended "
                + driver.path("state").asText());
          }
          requireOutput(target);
          return;
        }
      }
      Thread.sleep(poll.toMillis());
    }
    throw new IllegalStateException("the raw driver did not finish within 5 minutes");
  }

  /** spark-submit as a user would type it; in cluster mode it returns at submission unless told to wait. */
  private void sparkSubmit(String deployMode, String target, boolean waitForDriver) throws Exception {
    SparkLauncher launcher = new SparkLauncher(spark.environment())
        .setSparkHome(spark.home().toString())
        .setMaster(cluster.masterUrl())
        .setDeployMode(deployMode)
        .setAppResource(rawJar.toString())
        .setMainClass(RawChildJvm.class.getName())
        .addAppArgs(target)
        .setConf("spark.standalone.submit.waitAppCompletion", Boolean.toString(waitForDriver))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    CONF.forEach(launcher::setConf);
    Process process = launcher.launch();
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("raw spark-submit (" + deployMode + ") failed");
    }
  }

  private static void requireOutput(String target) {
    if (!Files.exists(Paths.get(URI.create(target)).resolve("_SUCCESS"))) {
      throw new IllegalStateException("raw spark-submit wrote nothing to " + target);
    }
  }

  private JsonNode masterState() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.webUi() + "/json/")).build();
    return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  private static Set<String> driverIds(JsonNode master) {
    Set<String> ids = new HashSet<>();
    for (String list : new String[] {"activedrivers", "completeddrivers"}) {
      master.path(list).forEach(d -> ids.add(d.path("id").asText()));
    }
    return ids;
  }

  @Override
  public void close() throws IOException {
    cluster.stop();
  }
}
