package io.sparkstep.flavor.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.cli.SparkstepCli;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The same sample step through the stand-in from the command line, as a user would run it. */
@Tag("slow")
class VertexCliTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perClass();
  @TempDir
  static Path dir;
  static VertexStandIn standIn;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(dir.resolve("container-logs"));
    standIn = new VertexStandIn(dir.resolve("container-logs"));
  }

  @AfterAll
  static void stop() throws Exception {
    standIn.close();
  }

  /** Exit code and everything printed. */
  record Call(int code, String text) {
  }

  static Call cli(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      int code = SparkstepCli.execute(args);
      return new Call(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void flavorListShowsVertexWithItsSettings() {
    Call call = cli("flavor", "list");
    assertEquals(0, call.code(), call.text());
    for (String expected : List.of("vertex", "stagingUri", "acceleratorType", "serviceAccount", "machineType")) {
      assertTrue(call.text().contains(expected), expected + " in\n" + call.text());
    }
  }

  @Test
  void registersAnOperatorAndRunsTheSampleStep() {
    Call register = cli("operator", "register", "vx", "--flavor", "vertex",
        "--set", "project=sparkstep-test", "--set", "location=europe-west4",
        "--set", "image=europe-docker.pkg.dev/sparkstep-test/steps/sparkstep:0.1.0",
        "--set", "stagingUri=" + dir.resolve("staging").toUri(),
        "--set", "endpoint=" + standIn.endpoint(), "--set", "loggingEndpoint=" + standIn.endpoint(), "--set", "plaintext=true", "--set", "pollMillis=300");
    assertEquals(0, register.code(), register.text());

    Call run = cli("run", "--operator", "vx", "--step", "generate-trips", "--param", "rows=2000",
        "--output", "trips=" + dir.resolve("out/trips").toUri(), "--output", "zones=" + dir.resolve("out/zones").toUri(),
        "--resources", "cpu=2,memory=4g");
    assertEquals(0, run.code(), run.text());
    assertTrue(Files.exists(dir.resolve("out/trips/_SUCCESS")));
    RunRecord record = new RunStore(HOME.path()).list().get(0);
    assertEquals(2000L, record.outputs.get("trips").rows);
    assertTrue(record.platform.get("jobName").startsWith("projects/sparkstep-test/locations/europe-west4/"));

    Call refused = cli("run", "--operator", "vx", "--step", "generate-trips", "--param", "rows=10",
        "--output", "trips=" + dir.resolve("x/t").toUri(), "--output", "zones=" + dir.resolve("x/z").toUri(),
        "--resources", "cpu=2,gpus=3");
    assertEquals(2, refused.code(), refused.text());
    assertTrue(refused.text().contains("resources"), refused.text());
  }

  /**
   * {@code run --detach} is accepted (the CLI's own label is not sent as a Vertex label), a later
   * {@code runs logs --follow} streams to the end asking Vertex no more often than pollMillis, and {@code runs status}
   * from another call shows the final state.
   */
  @Test
  void detachedRunIsFollowedAtThePollRate() throws Exception {
    Call register = cli("operator", "register", "vxd", "--flavor", "vertex", "--replace",
        "--set", "project=sparkstep-test", "--set", "location=europe-west4",
        "--set", "image=europe-docker.pkg.dev/sparkstep-test/steps/sparkstep:0.1.0",
        "--set", "stagingUri=" + dir.resolve("staging").toUri(),
        "--set", "endpoint=" + standIn.endpoint(), "--set", "loggingEndpoint=" + standIn.endpoint(),
        "--set", "plaintext=true", "--set", "pollMillis=1000");
    assertEquals(0, register.code(), register.text());
    Call run = cli("run", "--operator", "vxd", "--detach", "--step", "generate-trips", "--param", "rows=100",
        "--output", "trips=" + dir.resolve("d/trips").toUri(), "--output", "zones=" + dir.resolve("d/zones").toUri());
    assertEquals(0, run.code(), run.text());
    String runId = run.text().lines().filter(l -> l.matches("\\d{8}-\\d{6}-[0-9a-f]{6}")).findFirst().orElseThrow();
    int before = standIn.getCalls.get();
    long start = System.nanoTime();
    Call follow = cli("runs", "logs", runId, "--follow");
    double seconds = (System.nanoTime() - start) / 1e9;
    int calls = standIn.getCalls.get() - before;
    assertEquals(0, follow.code(), follow.text());
    assertTrue(calls <= seconds / 1.0 + 3, calls + " getCustomJob calls in " + seconds + " s with pollMillis=1000");
    Call status = cli("runs", "status", runId);
    assertTrue(status.text().contains("SUCCEEDED"), status.text());
  }
}
