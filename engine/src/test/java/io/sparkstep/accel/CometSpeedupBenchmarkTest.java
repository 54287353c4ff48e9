package io.sparkstep.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunStore;
import io.sparkstep.spi.FlavorRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Side by side, in one run: the sample feature step vanilla and with Comet, each in its own child JVM (same heap,
 * same local[2]), alternating, several rounds. Opt-in because it takes minutes:
 * {@code ./mvnw -o -pl engine test -Dtest=CometSpeedupBenchmarkTest -Dsparkstep.bench.rows=2000000}.
 */
@EnabledIfSystemProperty(named = "sparkstep.bench.rows", matches = "\\d+")
@Tag("slow")
class CometSpeedupBenchmarkTest {
  @TempDir
  Path tmp;

  @Test
  void cometVersusVanillaOnTheFeatureStep() throws Exception {
    int rows = Integer.getInteger("sparkstep.bench.rows");
    int rounds = Integer.getInteger("sparkstep.bench.rounds", 3);
    Path home = tmp.resolve("home");
    new OperatorStore(home, new FlavorRegistry()).register("local-process", "local",
        Map.of("isolation", "process", "driverMemory", "2g"), false);
    String trips = tmp.resolve("trips").toUri().toString();
    String zones = tmp.resolve("zones").toUri().toString();
    StepRun generate = Sparkstep.operator("local-process", home).step("generate-trips")
        .param("rows", rows).param("zones", 200).param("partitions", 4)
        .output("trips", trips).output("zones", zones).resources(StepResources.builder().cpu(2).build()).submit();
    assertEquals(RunState.SUCCEEDED, generate.await(Duration.ofMinutes(10)), () -> generate.record().errorMessage());

    long[] vanilla = new long[rounds];
    long[] comet = new long[rounds];
    RunRecord.AcceleratorInfo coverage = null;
    for (int round = 0; round < rounds; round++) {
      vanilla[round] = time(home, trips, zones, "none", round).durationMillis;
      RunRecord cometRecord = time(home, trips, zones, "comet", round);
      comet[round] = cometRecord.durationMillis;
      coverage = cometRecord.accelerator;
    }
    long bestVanilla = java.util.Arrays.stream(vanilla).min().orElseThrow();
    long bestComet = java.util.Arrays.stream(comet).min().orElseThrow();
    System.out.printf("BENCH rows=%d vanilla_ms=%s comet_ms=%s best_ratio=%.2f comet_coverage=%d/%d%n", rows,
        java.util.Arrays.toString(vanilla), java.util.Arrays.toString(comet), (double) bestComet / bestVanilla,
        coverage.operatorsAccelerated, coverage.operatorsTotal);
    assertTrue(bestComet > 0 && bestVanilla > 0);
  }

  private static RunRecord time(Path home, String trips, String zones, String accelerator, int round) throws Exception {
    String out = trips.replace("/trips", "/features-" + accelerator + "-" + round);
    StepRun run = Sparkstep.operator("local-process", home).step("trip-features")
        .input("trips", trips).input("zones", zones).output("features", out)
        .resources(StepResources.builder().cpu(2).build()).conf("spark.sql.shuffle.partitions", "8")
        .conf("spark.memory.offHeap.size", "2g").accelerator(accelerator).submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(10)), () -> run.record().errorMessage());
    return new RunStore(home).load(run.id()).orElseThrow();
  }
}
