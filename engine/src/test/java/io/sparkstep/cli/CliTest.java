package io.sparkstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.testing.CliCall;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on embedded Spark, and every kind of bad input the contract names. */
@Tag("slow")
class CliTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;
  Path home;

  @BeforeEach
  void setUp() {
    home = HOME.path();
  }

  CliCall cli(String... args) {
    return CliCall.of(args);
  }

  String uri(String name) {
    return tmp.resolve(name).toUri().toString();
  }

  @Test
  void samplePipelineThroughTheCli() {
    CliCall generate = cli("run", "--step", "generate-trips", "--param", "rows=5000", "--param", "zones=30",
        "--output", "trips=" + tmp.resolve("trips"), "--output", "zones=" + tmp.resolve("zones"),
        "--conf", "spark.sql.shuffle.partitions=4");
    assertEquals(0, generate.code(), generate.all());
    assertTrue(generate.out().contains("SUCCEEDED"), generate.out());
    assertTrue(generate.out().contains("(5000 rows, parquet)"), generate.out());

    CliCall features = cli("run", "--step", "trip-features", "--input", "trips=" + uri("trips"),
        "--input", "zones=" + uri("zones"), "--output", "features=" + uri("features") + "@csv",
        "--conf", "spark.sql.shuffle.partitions=4");
    assertEquals(0, features.code(), features.all());
    List<Row> header = SparkSession.active().read().option("header", "false").csv(uri("features")).limit(1).collectAsList();
    assertFalse(header.isEmpty(), "csv output written");

    CliCall list = cli("runs", "list");
    assertEquals(0, list.code());
    assertEquals(2, list.out().lines().filter(l -> l.contains("SUCCEEDED")).count(), list.out());
    String runId = list.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
    CliCall status = cli("runs", "status", runId, "--json");
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("\"state\" : \"SUCCEEDED\""), status.out());
    CliCall logs = cli("runs", "logs", runId);
    assertEquals(0, logs.code());
    assertFalse(logs.out().isBlank(), "the run's log has lines");
  }

  @Test
  void flavorListShowsLocal() {
    CliCall result = cli("flavor", "list");
    assertEquals(0, result.code());
    assertTrue(result.out().startsWith("local") || result.out().contains("\nlocal "), result.out());
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] command : new String[][] {{"--help"}, {"run", "--help"}, {"runs", "status", "--help"},
        {"operator", "register", "--help"}, {"flavor", "list", "--help"}, {"steps", "--help"}}) {
      CliCall result = cli(command);
      assertEquals(0, result.code(), String.join(" ", command));
      assertTrue(result.out().contains("Usage:"), result.out());
    }
  }

  @Test
  void failingStepExitsOneWithCauseAndNoOutput() {
    CliCall result = cli("run", "--step", "io.sparkstep.testing.FailingStep", "--output", "out=" + uri("failed"));
    assertEquals(1, result.code(), result.all());
    assertTrue(result.out().contains("boom"), result.out());
    assertFalse(Files.exists(tmp.resolve("failed")));
    RunRecord record = new RunStore(home).list().get(0);
    assertEquals(RunState.FAILED, record.state);
    assertTrue(record.error.message.contains("boom"));
    assertTrue(record.error.stackTrace.contains("FailingStep"), "where it failed");
  }

  @Test
  void badInputIsOneClearErrorWithExitTwoAndNothingLaunched() throws IOException {
    Files.createDirectories(tmp.resolve("exists"));
    Files.writeString(tmp.resolve("malformed.json"), "{\"specVersion\": 1, \"step\": ");
    Files.writeString(tmp.resolve("future.json"), "{\"specVersion\": 9, \"step\": \"generate-trips\"}");
    assertBad("unknown step 'no-such-step'", "run", "--step", "no-such-step");
    assertBad("unknown operator 'nope'", "run", "--step", "generate-trips", "--operator", "nope");
    assertBad("unknown flavor 'warp-drive'", "operator", "register", "x", "--flavor", "warp-drive");
    assertBad("params.rows: 'many' is not a long", "run", "--step", "generate-trips", "--param", "rows=many",
        "--output", "trips=" + uri("t1"), "--output", "zones=" + uri("z1"));
    assertBad("params.rows: 0 is below the minimum 1", "run", "--step", "generate-trips", "--param", "rows=0",
        "--output", "trips=" + uri("t1"), "--output", "zones=" + uri("z1"));
    assertBad("outputs.zones: is missing", "run", "--step", "generate-trips", "--output", "trips=" + uri("t1"));
    assertBad("inputs.trips.uri: input path does not exist", "run", "--step", "trip-features",
        "--input", "trips=" + uri("missing"), "--input", "zones=" + uri("missing2"), "--output", "features=" + uri("f"));
    assertBad("unsupported format 'xlsx'", "run", "--step", "generate-trips",
        "--output", "trips=" + uri("t1") + "@xlsx", "--output", "zones=" + uri("z1"));
    assertBad("malformed JSON", "run", "--spec", tmp.resolve("malformed.json").toString());
    assertBad("unknown spec version 9", "run", "--spec", tmp.resolve("future.json").toString());
    assertBad("output already exists", "run", "--step", "generate-trips",
        "--output", "trips=" + uri("exists"), "--output", "zones=" + uri("z1"));
    assertBad("GPUs cannot be requested in local mode", "run", "--step", "generate-trips", "--resources", "gpus=1",
        "--output", "trips=" + uri("t1"), "--output", "zones=" + uri("z1"));
    assertBad("unknown resource 'cores'", "run", "--step", "generate-trips", "--resources", "cores=2",
        "--output", "trips=" + uri("t1"), "--output", "zones=" + uri("z1"));
    // nothing launched or written: no run records, no outputs
    assertTrue(new RunStore(home).list().isEmpty(), "no run was recorded");
    assertFalse(Files.exists(tmp.resolve("t1")));
  }

  private void assertBad(String expected, String... args) {
    CliCall result = cli(args);
    assertEquals(2, result.code(), String.join(" ", args) + " -> " + result.all());
    assertTrue(result.err().contains(expected), "expected '" + expected + "' in: " + result.err());
    assertTrue(result.err().lines().count() <= 3, "short error: " + result.err());
    assertFalse(result.err().contains("\tat "), "no stack trace without --verbose: " + result.err());
  }

  @Test
  void outputExistsWithOverwriteReplacesIt() throws IOException {
    CliCall first = cli("run", "--step", "generate-trips", "--param", "rows=300", "--param", "zones=5",
        "--output", "trips=" + uri("trips"), "--output", "zones=" + uri("zones"));
    assertEquals(0, first.code(), first.all());
    CliCall second = cli("run", "--step", "generate-trips", "--param", "rows=700", "--param", "zones=5", "--overwrite",
        "--output", "trips=" + uri("trips"), "--output", "zones=" + uri("zones"));
    assertEquals(0, second.code(), second.all());
    assertEquals(700, SparkSession.active().read().parquet(uri("trips")).count());
    try (Stream<Path> files = Files.list(tmp)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no staging or replaced dirs left");
    }
  }

  @Test
  void secretsGivenWithSetNeverReachFilesOrOutput() throws IOException {
    String secret = System.getenv("SPARKSTEP_TEST_SECRET");
    assertTrue(secret != null && secret.length() > 8, "surefire sets SPARKSTEP_TEST_SECRET");
    CliCall literal = cli("operator", "register", "leaky", "--flavor", "local",
        "--set", "conf.spark.hadoop.fs.s3a.secret.key=" + secret);
    assertEquals(2, literal.code(), literal.all());
    assertTrue(literal.err().contains("must not be stored"), literal.err());
    assertFalse(literal.all().contains(secret), "the refusal does not echo the secret");

    CliCall register = cli("operator", "register", "safe", "--flavor", "local",
        "--set", "conf.spark.hadoop.fs.s3a.secret.key=${SPARKSTEP_TEST_SECRET}");
    assertEquals(0, register.code(), register.all());
    CliCall describe = cli("operator", "describe", "safe");
    CliCall run = cli("run", "--operator", "safe", "--step", "generate-trips", "--param", "rows=100", "--logs",
        "--conf", "spark.hadoop.fs.s3a.access.key=${SPARKSTEP_TEST_SECRET}",
        "--output", "trips=" + uri("s-trips"), "--output", "zones=" + uri("s-zones"));
    assertEquals(0, run.code(), run.all());
    String runId = new RunStore(home).list().get(0).runId;
    CliCall status = cli("runs", "status", runId, "--json");
    for (CliCall r : List.of(register, describe, run, status)) {
      assertFalse(r.all().contains(secret), "secret printed: " + r.all());
    }
    try (Stream<Path> files = Files.walk(home)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(file).contains(secret), "secret written to " + file);
      }
    }
    assertTrue(Files.readString(home.resolve("operators.json")).contains("${SPARKSTEP_TEST_SECRET}"));
  }
}
