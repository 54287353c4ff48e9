package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.runtime.CommittedLocation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * flavor as a user runs them, as one {@code pipeline run} in a fresh CLI JVM, each reading and writing under one store
 * URI: the store's settings registered once as an operator's Spark conf, credentials only in the environment.
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
  /** The four steps together, in one JVM. */
  static final Duration PIPELINE_TIMEOUT = Duration.ofMinutes(8);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Every output the four steps write, relative to {@link #lake}. */
  static final List<String> OUTPUTS = List.of("trips", "zones", "features", "model", "test-predictions", "predictions");

  FarePipelineOnStore(Path home, String lake, Map<String, String> storeConf, Map<String, String> environment) {
    this(home, lake, storeConf, environment, List.of());
  }

  /**
   * Registers the operator and runs the four steps as one {@code pipeline run} of a file naming every output by its
   * URI on the store, failing unless it exits 0. The four steps run one after the other in the
   * pipeline's CLI JVM (local steps share its embedded Spark), so the store is paid one JVM and Spark start instead of
   * four; each step still reads what the one before it committed to the store and writes its own outputs there.
   */
  void runFourSteps() throws IOException, InterruptedException {
    List<String> register = new ArrayList<>(List.of("operator", "register", "lake", "--flavor", "local"));
    storeConf.forEach((key, value) -> register.addAll(List.of("--set", "conf." + key + "=" + value)));
    succeeds(STEP_TIMEOUT, register.toArray(String[]::new));
    Path file = Files.createDirectories(home).resolve("fares-on-store.json");
    Files.writeString(file, pipelineFile());
    succeeds(PIPELINE_TIMEOUT, "pipeline", "run", file.toString());
  }

  /** The fare pipeline with every output an explicit URI under {@link #lake}, on the "lake" operator. */
  String pipelineFile() throws IOException {
    ObjectNode pipeline = JSON.createObjectNode().put("pipeline", "fares-on-store").put("operator", "lake");
    ArrayNode steps = pipeline.putArray("steps");
    step(steps, "trips", "generate-trips", Map.of("rows", 3000, "zones", 10), Map.of(),
        Map.of("trips", "trips", "zones", "zones"));
    step(steps, "features", "trip-features", Map.of(), Map.of("trips", "trips.trips", "zones", "trips.zones"),
        Map.of("features", "features"));
    step(steps, "train", "train-fare-model", Map.of("maxIter", 3, "maxDepth", 2),
        Map.of("features", "features.features"), Map.of("model", "model", "testPredictions", "test-predictions"));
    step(steps, "score", "score-trips", Map.of(), Map.of("features", "features.features", "model", "train.model"),
        Map.of("predictions", "predictions"));
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(pipeline);
  }

  /**
   * One step of the file: {@code inputs} map a name to the upstream step's output it reads ({@code STEP_ID.OUTPUT},
   * which orders the steps; the step reads that output's URI on the store), {@code outputs} a name to its place under
   * the lake.
   */
  private void step(ArrayNode steps, String id, String step, Map<String, Integer> params, Map<String, String> inputs,
      Map<String, String> outputs) {
    ObjectNode node = steps.addObject().put("id", id).put("step", step);
    ObjectNode paramNode = node.putObject("params");
    params.forEach(paramNode::put);
    ObjectNode inputNode = node.putObject("inputs");
    inputs.forEach((name, from) -> inputNode.putObject(name).put("from", from));
    ObjectNode outputNode = node.putObject("outputs");
    outputs.forEach((name, place) -> outputNode.put(name, lake + place));
    node.putObject("conf").put("spark.sql.shuffle.partitions", "4");
  }

  private void succeeds(Duration timeout, String... args) throws IOException, InterruptedException {
    CliProcess call = CliProcess.run(home, timeout, environment, null, jvmFlags, args);
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
