package io.sparkstep.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparkstep explain} on the sample feature step, on this CPU-only machine: RAPIDS in explain-only mode and
 * Comet each report operators, verdicts and an "N of M operators accelerated" summary, and write nothing where the
 * user's outputs point.
 */
@Tag("slow")
class ExplainCommandTest {
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) of (\\d+) operators accelerated");

  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perClass();
  @TempDir
  static Path tmp;
  static String trips;
  static String zones;
  static Path userOutput;

  @BeforeAll
  static void generateTrips() throws Exception {
    trips = tmp.resolve("trips").toUri().toString();
    zones = tmp.resolve("zones").toUri().toString();
    userOutput = tmp.resolve("features");
    StepRun generate = Sparkstep.operator("local", HOME.path()).step("generate-trips")
        .param("rows", 5_000).param("zones", 20).param("partitions", 1)
        .output("trips", trips).output("zones", zones).conf("spark.sql.shuffle.partitions", "2").submit();
    assertEquals(RunState.SUCCEEDED, generate.await(Duration.ofMinutes(3)), () -> generate.record().errorMessage());
  }

  @Test
  void rapidsExplainReportsOperatorsAndSummary() {
    CliCall call = explain("rapids");
    assertEquals(0, call.code(), call.err());
    Matcher summary = SUMMARY.matcher(call.out());
    assertTrue(summary.find(), call.out());
    int accelerated = Integer.parseInt(summary.group(1));
    int total = Integer.parseInt(summary.group(2));
    assertTrue(total >= 5, "the feature step's scan, filter, aggregate, join, window and sort: " + call.out());
    assertTrue(accelerated > 0 && accelerated <= total, call.out());
    assertTrue(call.out().contains("expressions"), "RAPIDS also judges expressions: " + call.out());
    assertTrue(call.out().contains("HashAggregateExec"), call.out());
    assertFalse(Files.exists(userOutput), "explain never writes the user's outputs");
    System.out.println(call.out());
  }

  @Test
  void cometExplainAsJson() {
    CliCall call = explain("comet", "--json");
    assertEquals(0, call.code(), call.err());
    assertTrue(call.out().contains("\"accelerator\" : \"comet\""), call.out());
    Matcher accelerated = Pattern.compile("\"operatorsAccelerated\" : (\\d+)").matcher(call.out());
    Matcher total = Pattern.compile("\"operatorsTotal\" : (\\d+)").matcher(call.out());
    assertTrue(accelerated.find() && total.find(), call.out());
    assertTrue(Integer.parseInt(accelerated.group(1)) > 0, call.out());
    assertTrue(call.out().contains("CometHashAggregate"), call.out());
    System.out.println("comet " + accelerated.group(1) + " of " + total.group(1));
  }

  @Test
  void explainWithoutAcceleratorIsOneClearError() {
    CliCall call = explain("none");
    assertEquals(2, call.code());
    assertTrue(call.err().contains("--accelerator") && call.err().contains("rapids"), call.err());
  }

  private static CliCall explain(String accelerator, String... extra) {
    String[] base = {"explain", "--accelerator", accelerator, "--step", "trip-features",
        "--input", "trips=" + trips, "--input", "zones=" + zones, "--output", "features=" + userOutput.toUri(),
        "--resources", "memory=1g", "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.memory.offHeap.size=1g"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliCall.of(args);
  }
}
