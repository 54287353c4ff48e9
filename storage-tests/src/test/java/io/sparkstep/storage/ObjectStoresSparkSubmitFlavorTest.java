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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps on the spark-submit flavor reading and writing s3a://, gs:// and abfss:// on one standalone cluster on
 * loopback, started from the Spark home the flavor assembles (which carries the connectors the distribution ships),
 * against S3Mock, the GCS stand-in and the ADLS Gen2 stand-in (over TLS). Per store one step writes with a
 * client-mode driver and one reads with a cluster-mode driver, which runs on the Worker; executors on both. The fare
 * pipeline's other steps use the same file systems and run on the local flavor ({@link S3LocalFlavorTest},
 * {@link GcsLocalFlavorTest}, {@link AdlsGen2LocalFlavorTest}). Every store's settings are the operators' Spark conf,
 * credentials {@code ${ENV}} references resolved by the driver, never in a file, record, log or command line; the
 * drivers and executors trust the ADLS stand-in's certificate through {@code spark.driver.extraJavaOptions} and
 * {@code spark.executor.extraJavaOptions}, as a user passes a trust store to Spark's JVMs.
 */
@Tag("slow")
class ObjectStoresSparkSubmitFlavorTest {
  // a step takes under a minute on an idle machine; the shared 2-core machine at a load average of 70 took over 4
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(8);
  private static final String S3_LAKE = "s3a://" + S3StandIn.BUCKET + "/spark-submit/";
  private static final String GCS_LAKE = "gs://" + GcsStandIn.BUCKET + "/spark-submit/";
  private static final String ADLS_LAKE = "abfss://" + AdlsGen2StandIn.FILE_SYSTEM + "@" + AdlsGen2StandIn.HOST
      + "/spark-submit/";
  private static final String ADLS_KEY_VARIABLE = "LAKE_ADLS_KEY";
  /** Names only the CLI's environment holds, so neither Spark nor a store's chain can find the keys elsewhere. */
  private static final Map<String, String> CREDENTIAL_ENV = Map.of("LAKE_ACCESS_KEY", S3StandIn.ACCESS_KEY,
      "LAKE_SECRET_KEY", S3StandIn.SECRET_KEY, ADLS_KEY_VARIABLE, AdlsGen2StandIn.ACCOUNT_KEY);
  private static final List<String> SECRETS = List.of(S3StandIn.SECRET_KEY, AdlsGen2StandIn.ACCOUNT_KEY);

  @TempDir
  static Path work;
  static S3StandIn s3;
  static GcsStandIn gcs;
  static AdlsGen2StandIn adls;
  static LocalCluster cluster;
  static Path home;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3StandIn.start(work);
    gcs = GcsStandIn.start();
    adls = AdlsGen2StandIn.start(work);
    SparkDistribution spark = SparkDistribution.assemble(work.resolve("spark-dist"));
    // one Worker: a 512m cluster-mode driver and a 512m executor fit beside each other
    cluster = LocalCluster.start(spark, work.resolve("cluster"), 1, 2, "1g", "256m", Duration.ofSeconds(120));
    home = work.resolve("home");
    register("lake-client", "client");
    register("lake-cluster", "cluster");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.stop();
    }
    if (s3 != null) {
      s3.close();
    }
    if (gcs != null) {
      gcs.close();
    }
    if (adls != null) {
      adls.close();
    }
  }

  @Test
  void stepsReadAndWriteS3InClientAndClusterMode() throws Exception {
    tripsThenFeatures(S3_LAKE, S3_LAKE);

    FileSystem fs = FileSystem.get(URI.create(S3_LAKE), s3.readerConf());
    for (String output : List.of("trips", "features")) {
      org.apache.hadoop.fs.Path dir = assertParquetCommitted(fs, S3_LAKE + output);
      String success;
      try (var in = fs.open(new org.apache.hadoop.fs.Path(dir, "_SUCCESS"))) {
        success = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      // the executors' tasks and the driver's job commit ran the S3A magic committer: s3a on both sides
      assertTrue(success.matches("(?s).*\"committer\"\\s*:\\s*\"magic\".*"), output + "/_SUCCESS: " + success);
    }
  }

  /**
   * generate-trips writes {@code trips} to gs:// and {@code zones} to abfss:// in one client-mode run (a pointer
   * commit and a directory rename together); trip-features reads both with a cluster-mode driver and writes
   * {@code features} to gs://.
   */
  @Test
  void stepsReadAndWriteGcsAndAdlsGen2InClientAndClusterMode() throws Exception {
    tripsThenFeatures(GCS_LAKE, ADLS_LAKE);

    FileSystem gs = FileSystem.get(URI.create(GCS_LAKE), gcsReaderConf());
    for (String output : List.of("trips", "features")) {
      assertTrue(gs.exists(new org.apache.hadoop.fs.Path(assertParquetCommitted(gs, GCS_LAKE + output), "_SUCCESS")),
          output + " was committed by Spark's job commit");
    }
    assertEquals(Set.of(), gcs.unserved(), "requests the GCS stand-in did not serve");
    Map<String, Integer> zones = adls.filesIn("spark-submit/zones");
    assertTrue(zones.containsKey("_SUCCESS") && zones.entrySet().stream()
        .anyMatch(file -> file.getKey().endsWith(".parquet") && file.getValue() > 0), "zones on ADLS: " + zones);
    assertTrue(adls.renames().stream().anyMatch(rename -> rename.matches(
            "spark-submit/\\.zones\\.sparkstep-staging-\\S+ -> spark-submit/zones \\(directory\\)")),
        "zones was switched by one directory rename: " + adls.renames());
    assertEquals(Set.of(), adls.unserved(), "requests the ADLS Gen2 stand-in did not serve");
    assertEquals(List.of(), List.copyOf(adls.unauthorized()), "requests without a valid Shared Key signature");
  }

  /**
   * generate-trips with a client-mode driver writes {@code trips} under {@code lake} and {@code zones} under
   * {@code zonesLake}; trip-features with a cluster-mode driver reads both and writes {@code features} under
   * {@code lake}.
   */
  private static void tripsThenFeatures(String lake, String zonesLake) throws Exception {
    runWatchingCommandLines(
        List.of("--operator", "lake-client", "--step", "generate-trips", "--param", "rows=500", "--param", "zones=5",
            "--param", "partitions=2", "--output", "trips=" + lake + "trips",
            "--output", "zones=" + zonesLake + "zones"),
        List.of("--operator", "lake-cluster", "--step", "trip-features", "--input", "trips=" + lake + "trips",
            "--input", "zones=" + zonesLake + "zones", "--output", "features=" + lake + "features"));
  }

  /**
   * Runs each argument list as {@code sparkstep run ...} (failing unless it exits 0), while sampling the command
   * lines of the CLI with its spark-submit and of the cluster's Master and Worker with the drivers and executors they
   * start; then checks that no secret is on one of them, in the CLI's output or in a file of the Sparkstep home
   * (operators, records, driver logs) or of the cluster's directory (Worker logs with launch commands, stdout, stderr).
   */
  @SafeVarargs
  private static void runWatchingCommandLines(List<String>... runs) throws Exception {
    List<String> commandLines = new CopyOnWriteArrayList<>();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread ps = new Thread(() -> {
      while (watching.get()) {
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
      for (List<String> run : runs) {
        assertSucceeded(CliProcess.run(home, STEP_TIMEOUT, CREDENTIAL_ENV, runArguments(run)));
      }
    } finally {
      watching.set(false);
      ps.join();
    }
    assertTrue(commandLines.stream().anyMatch(line -> line.contains("org.apache.spark.deploy.SparkSubmit")),
        "spark-submit's command line was seen");
    for (String secret : SECRETS) {
      for (String line : commandLines) {
        assertFalse(line.contains(secret), "a secret is on a command line: " + line);
      }
      FarePipelineOnStore.assertNoFileUnder(home, secret);
      FarePipelineOnStore.assertNoFileUnder(cluster.stateDir(), secret);
    }
  }

  private static String[] runArguments(List<String> run) {
    List<String> arguments = new ArrayList<>(List.of("run"));
    arguments.addAll(run);
    arguments.addAll(List.of("--conf", "spark.sql.shuffle.partitions=2"));
    return arguments.toArray(String[]::new);
  }

  /** The output's committed directory (its pointer's location, or the URI) has parquet parts. */
  private static org.apache.hadoop.fs.Path assertParquetCommitted(FileSystem fs, String uri) throws IOException {
    org.apache.hadoop.fs.Path dir = FarePipelineOnStore.committed(fs, uri);
    assertTrue(Arrays.stream(fs.listStatus(dir))
        .anyMatch(status -> status.getPath().getName().endsWith(".parquet") && status.getLen() > 0),
        uri + " has parquet parts on the store");
    return dir;
  }

  /** One operator per deploy mode, with every store's settings: one cluster serves the three schemes. */
  private static void register(String name, String deployMode) {
    Map<String, String> settings = cluster.operatorSettings(deployMode);
    settings.put("jars", stepsJar().toString());
    settings.put("conf.spark.executor.memory", "512m");
    settings.put("conf.spark.driver.memory", "512m");
    settings.put("conf.spark.ui.enabled", "false");
    s3.sparkConf().forEach((key, value) -> settings.put("conf." + key, value));
    settings.put("conf.spark.hadoop.fs.s3a.access.key", "${LAKE_ACCESS_KEY}");
    settings.put("conf.spark.hadoop.fs.s3a.secret.key", "${LAKE_SECRET_KEY}");
    gcs.sparkConf().forEach((key, value) -> settings.put("conf." + key, value));
    adls.sparkConf(ADLS_KEY_VARIABLE).forEach((key, value) -> settings.put("conf." + key, value));
    // the driver (either deploy mode) and the executors trust the stand-in's certificate as a user's JVMs would
    String trust = String.join(" ", adls.trustStoreFlags());
    settings.put("conf.spark.driver.extraJavaOptions", trust);
    settings.put("conf.spark.executor.extraJavaOptions", trust);
    new OperatorStore(home, new FlavorRegistry()).register(name, SparkSubmitFlavor.NAME, settings, true);
  }

  /** How this test reads the GCS bucket: the settings a run gets. */
  private static Configuration gcsReaderConf() {
    Configuration conf = new Configuration();
    gcs.sparkConf().forEach((key, value) -> conf.set(key.substring("spark.hadoop.".length()), value));
    conf.setBoolean("fs.gs.impl.disable.cache", true);
    return conf;
  }

  /** The engine's test jar holds the test steps; the cluster gets it through the operator's {@code jars}. */
  private static Path stepsJar() {
    try {
      return Path.of(CopyStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertSucceeded(CliProcess call) {
    assertEquals(0, call.code(), call.all());
    System.out.println(call.all().lines().filter(line -> line.contains(" SUCCEEDED")).findFirst().orElse(""));
    for (String secret : SECRETS) {
      assertFalse(call.all().contains(secret), "a secret is in the CLI's output");
    }
  }
}
