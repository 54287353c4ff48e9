package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.runtime.CommittedLocation;
import io.sparkstep.testing.CliProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;

/**
 * The fare pipeline's four steps (generate-trips, trip-features, train-fare-model, score-trips) run on the local
 * flavor as a user runs them, in fresh CLI JVMs, each reading and writing under one store URI: the store's settings
 * registered once as an operator's Spark conf, credentials only in the environment.
 *
 * @param home the Sparkstep home of the runs
 * @param lake the store URI the outputs go under, ending in '/'
 * @param storeConf the Spark conf that points the connector at the store (values may be {@code ${ENV}} references)
 * @param environment what the user exports before the runs (credentials)
 * @param jvmFlags what the user adds to the CLI's JVM options (SPARKSTEP_JAVA_OPTS), such as a trust store
 */
record FarePipelineOnStore(Path home, String lake, Map<String, String> storeConf, Map<String, String> environment,
                           List<String> jvmFlags) {
  static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);
  /** Every output the four steps write, relative to {@link #lake}. */
  static final List<String> OUTPUTS = List.of("trips", "zones", "features", "model", "test-predictions", "predictions");

  FarePipelineOnStore(Path home, String lake, Map<String, String> storeConf, Map<String, String> environment) {
    this(home, lake, storeConf, environment, List.of());
  }

  /** Registers the operator and runs the four steps, failing on the first that does not exit 0. */
  void runFourSteps() throws IOException, InterruptedException {
    List<String> register = new ArrayList<>(List.of("operator", "register", "lake", "--flavor", "local"));
    storeConf.forEach((key, value) -> register.addAll(List.of("--set", "conf." + key + "=" + value)));
    succeeds(register.toArray(String[]::new));
    succeeds("run", "--operator", "lake", "--step", "generate-trips", "--param", "rows=3000", "--param", "zones=10",
        "--output", "trips=" + lake + "trips", "--output", "zones=" + lake + "zones",
        "--conf", "spark.sql.shuffle.partitions=4");
    succeeds("run", "--operator", "lake", "--step", "trip-features", "--input", "trips=" + lake + "trips",
        "--input", "zones=" + lake + "zones", "--output", "features=" + lake + "features",
        "--conf", "spark.sql.shuffle.partitions=4");
    succeeds("run", "--operator", "lake", "--step", "train-fare-model", "--param", "maxIter=3", "--param", "maxDepth=2",
        "--input", "features=" + lake + "features", "--output", "model=" + lake + "model",
        "--output", "testPredictions=" + lake + "test-predictions", "--conf", "spark.sql.shuffle.partitions=4");
    succeeds("run", "--operator", "lake", "--step", "score-trips", "--input", "features=" + lake + "features",
        "--input", "model=" + lake + "model", "--output", "predictions=" + lake + "predictions",
        "--conf", "spark.sql.shuffle.partitions=4");
  }

  private void succeeds(String... args) throws IOException, InterruptedException {
    CliProcess call = CliProcess.run(home, STEP_TIMEOUT, environment, null, jvmFlags, args);
    assertEquals(0, call.code(), "sparkstep " + String.join(" ", args) + "\n" + call.all());
    environment.forEach((name, value) -> assertFalse(call.all().contains(value),
        "the value of " + name + " appears in what sparkstep " + args[0] + " printed"));
  }

  /** Every output is on the store, and the last step's has its parquet parts. */
  void assertAllOutputsOn(FileSystem fs) throws IOException {
    for (String output : OUTPUTS) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(lake + output)), output + " is on the store");
    }
    assertTrue(Arrays.stream(fs.listStatus(committed(fs, lake + "predictions")))
        .anyMatch(status -> status.getPath().getName().endsWith(".parquet") && status.getLen() > 0),
        "predictions has parquet parts");
  }

  /**
   * Where the committed data of an output URI is: on object stores the location its pointer names (the engine's
   * commit writes no data at the URI itself), elsewhere the URI.
   */
  static org.apache.hadoop.fs.Path committed(FileSystem fs, String uri) throws IOException {
    CommittedLocation.Resolved resolved = CommittedLocation.resolve(fs.getConf(), uri);
    assertTrue(resolved.location() != null, uri + " has a committed run");
    return new org.apache.hadoop.fs.Path(resolved.location());
  }

  /** No file under the home (operator file, run records, logs) holds {@code secret}. */
  void assertNoFileHolds(String secret) throws IOException {
    assertNoFileUnder(home, secret);
  }

  /** No file under {@code dir} holds {@code secret}. */
  static void assertNoFileUnder(Path dir, String secret) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(secret),
            "the secret appears in " + file);
      }
    }
  }
}
