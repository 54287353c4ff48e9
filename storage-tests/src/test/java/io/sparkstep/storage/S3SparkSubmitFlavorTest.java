package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.flavor.sparksubmit.LocalCluster;
import io.sparkstep.flavor.sparksubmit.SparkDistribution;
import io.sparkstep.flavor.sparksubmit.SparkSubmitFlavor;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.CliProcess;
import io.sparkstep.testing.CopyStep;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps on the spark-submit flavor reading and writing s3a:// on a standalone cluster on loopback, started from the
 * Spark home the flavor assembles (which carries the connectors the distribution ships): generate-trips writes
 * {@code trips} and {@code zones} with a client-mode driver, trip-features reads them and writes {@code features}
 * with a cluster-mode driver, which runs on the Worker. Two steps are enough: one write and one read, each deploy mode
 * once, executors on both; the fare pipeline's other steps use the same file system and run on the local flavor in
 * {@link S3LocalFlavorTest}. Endpoint and path-style access are operator settings, the credentials {@code ${ENV}}
 * references resolved by the driver, never in a file, record, log or command line.
 */
@Tag("slow")
class S3SparkSubmitFlavorTest {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);
  private static final String LAKE = "s3a://" + S3StandIn.BUCKET + "/spark-submit/";
  /** Names only the CLI's environment holds, so neither Spark nor the AWS chain can find the keys elsewhere. */
  private static final Map<String, String> CREDENTIAL_ENV = Map.of("LAKE_ACCESS_KEY", S3StandIn.ACCESS_KEY,
      "LAKE_SECRET_KEY", S3StandIn.SECRET_KEY);

  @TempDir
  static Path work;
  static S3StandIn s3;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3StandIn.start(work);
    SparkDistribution spark = SparkDistribution.assemble(work.resolve("spark-dist"));
    // one Worker: a 512m cluster-mode driver and a 512m executor fit beside each other
    cluster = LocalCluster.start(spark, work.resolve("cluster"), 1, 2, "1g", "256m", Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.stop();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void stepsReadAndWriteS3InClientAndClusterMode() throws Exception {
    Path home = work.resolve("home");
    register(home, "lake-client", "client");
    register(home, "lake-cluster", "cluster");
    List<String> commandLines = new CopyOnWriteArrayList<>();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread ps = new Thread(() -> {
      while (watching.get()) {
        // the CLI with its spark-submit, and the cluster's Master and Worker with the drivers and executors they start
        ProcessHandle.current().descendants().forEach(p -> p.info().commandLine().ifPresent(commandLines::add));
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    ps.start();
    try {
      assertSucceeded(cli(home, "run", "--operator", "lake-client", "--step", "generate-trips", "--param", "rows=500",
          "--param", "zones=5", "--param", "partitions=2", "--output", "trips=" + LAKE + "trips",
          "--output", "zones=" + LAKE + "zones", "--conf", "spark.sql.shuffle.partitions=2"));
      assertSucceeded(cli(home, "run", "--operator", "lake-cluster", "--step", "trip-features",
          "--input", "trips=" + LAKE + "trips", "--input", "zones=" + LAKE + "zones",
          "--output", "features=" + LAKE + "features", "--conf", "spark.sql.shuffle.partitions=2"));
    } finally {
      watching.set(false);
      ps.join();
    }

    FileSystem fs = FileSystem.get(URI.create(LAKE), s3.readerConf());
    for (String output : List.of("trips", "features")) {
      org.apache.hadoop.fs.Path dir = FarePipelineOnStore.committed(fs, LAKE + output);
      assertTrue(Arrays.stream(fs.listStatus(dir))
          .anyMatch(status -> status.getPath().getName().endsWith(".parquet") && status.getLen() > 0),
          output + " has parquet parts on the store");
      String success;
      try (var in = fs.open(new org.apache.hadoop.fs.Path(dir, "_SUCCESS"))) {
        success = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      // the executors' tasks and the driver's job commit ran the S3A magic committer: s3a on both sides
      assertTrue(success.matches("(?s).*\"committer\"\\s*:\\s*\"magic\".*"), output + "/_SUCCESS: " + success);
    }
    assertTrue(commandLines.stream().anyMatch(line -> line.contains("org.apache.spark.deploy.SparkSubmit")),
        "spark-submit's command line was seen");
    for (String line : commandLines) {
      assertFalse(line.contains(S3StandIn.SECRET_KEY), "the secret key is on a command line: " + line);
    }
    // the Sparkstep home (operators, records, driver logs) and the cluster's directory (Worker logs with each
    // executor's and driver's launch command, their stdout and stderr)
    FarePipelineOnStore.assertNoFileUnder(home, S3StandIn.SECRET_KEY);
    FarePipelineOnStore.assertNoFileUnder(cluster.stateDir(), S3StandIn.SECRET_KEY);
  }

  private static void register(Path home, String name, String deployMode) {
    Map<String, String> settings = cluster.operatorSettings(deployMode);
    settings.put("jars", stepsJar().toString());
    settings.put("conf.spark.executor.memory", "512m");
    settings.put("conf.spark.driver.memory", "512m");
    settings.put("conf.spark.ui.enabled", "false");
    s3.sparkConf().forEach((key, value) -> settings.put("conf." + key, value));
    settings.put("conf.spark.hadoop.fs.s3a.access.key", "${LAKE_ACCESS_KEY}");
    settings.put("conf.spark.hadoop.fs.s3a.secret.key", "${LAKE_SECRET_KEY}");
    new OperatorStore(home, new FlavorRegistry()).register(name, SparkSubmitFlavor.NAME, settings, true);
  }

  /** The engine's test jar holds the test steps; the cluster gets it through the operator's {@code jars}. */
  private static Path stepsJar() {
    try {
      return Path.of(CopyStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CliProcess cli(Path home, String... args) throws IOException, InterruptedException {
    return CliProcess.run(home, STEP_TIMEOUT, CREDENTIAL_ENV, args);
  }

  private static void assertSucceeded(CliProcess call) {
    assertEquals(0, call.code(), call.all());
    System.out.println(call.all().lines().filter(line -> line.contains(" SUCCEEDED")).findFirst().orElse(""));
    assertFalse(call.all().contains(S3StandIn.SECRET_KEY), "the secret key is in the CLI's output");
  }
}
