package io.sparkstep.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step cache with the real runner, each call a fresh CLI JVM: a pipeline run twice is all hits the second time
 * (no Spark session: the records have no Spark application), {@code run --cache} of the same step with its outputs
 * where the cache has them is a hit too, {@code runs status} says so, and {@code cache clear} empties the index.
 */
@Tag("slow")
class CachedRunCliTest {
  private static final Pattern STEP_RUN = Pattern.compile("step (\\w+): SUCCEEDED \\(run ([^)]+)\\)");

  @TempDir
  Path home;

  @Test
  void aSecondPipelineRunIsServedFromTheCacheWithoutSpark() throws Exception {
    Path file = home.resolve("small.yaml");
    Files.writeString(file, """
        pipeline: small
        steps:
          - {id: trips, step: generate-trips, params: {rows: 300, zones: 5, partitions: 1}}
          - id: features
            step: trip-features
            inputs: {trips: {from: trips.trips}, zones: {from: trips.zones}}
        """);
    CliProcess first = CliProcess.run(home, Duration.ofMinutes(5), "pipeline", "run", file.toString());
    assertEquals(0, first.code(), first.err());
    Map<String, String> firstRuns = stepRuns(first.out());
    RunStore runs = new RunStore(home);
    RunRecord firstTrips = runs.load(firstRuns.get("trips")).orElseThrow();
    assertEquals("miss", firstTrips.cache.outcome);
    assertEquals("no earlier run of this step in the cache", firstTrips.cache.reason);
    assertTrue(firstTrips.sparkAppId != null, "the first run ran Spark");

    CliProcess second = CliProcess.run(home, Duration.ofMinutes(2), "pipeline", "run", file.toString());
    assertEquals(0, second.code(), second.err());
    Map<String, String> secondRuns = stepRuns(second.out());
    for (String step : new String[] {"trips", "features"}) {
      RunRecord cached = runs.load(secondRuns.get(step)).orElseThrow();
      assertEquals("hit", cached.cache.outcome, step + ": " + cached.cache.reason);
      assertEquals(firstRuns.get(step), cached.cachedFrom);
      assertNull(cached.sparkAppId, "no Spark session for a cached step");
      assertEquals(runs.load(firstRuns.get(step)).orElseThrow().outputs.keySet(), cached.outputs.keySet());
    }
    assertTrue(second.out().contains("cache: hit from run " + firstRuns.get("features")), second.out());
    // the downstream step read what the upstream's cached run committed, and so hit too
    assertEquals(firstTrips.outputs.get("trips").uri,
        runs.load(secondRuns.get("features")).orElseThrow().inputs.get("trips").uri);

    // run --cache of the same step, its outputs named where the cache has them: a hit, the outputs not refused
    CliProcess run = CliProcess.run(home, Duration.ofMinutes(2), "run", "--cache", "--step", "generate-trips",
        "--param", "rows=300", "--param", "zones=5", "--param", "partitions=1",
        "--output", "trips=" + firstTrips.outputs.get("trips").uri,
        "--output", "zones=" + firstTrips.outputs.get("zones").uri);
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("cache: hit from run " + firstRuns.get("trips")), run.out());
    Matcher runId = Pattern.compile("run (\\S+) SUCCEEDED").matcher(run.out());
    assertTrue(runId.find(), run.out());
    CliProcess status = CliProcess.run(home, Duration.ofMinutes(1), "runs", "status", runId.group(1));
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("cache: hit from run " + firstRuns.get("trips") + " (same key as run "), status.out());

    CliProcess clear = CliProcess.run(home, Duration.ofMinutes(1), "cache", "clear", "--step", "generate-trips");
    assertEquals(0, clear.code(), clear.err());
    assertTrue(clear.out().startsWith("removed 1 cache entry of step generate-trips"), clear.out());
  }

  private static Map<String, String> stepRuns(String statusOutput) {
    Map<String, String> runs = new LinkedHashMap<>();
    Matcher matcher = STEP_RUN.matcher(statusOutput);
    while (matcher.find()) {
      runs.put(matcher.group(1), matcher.group(2));
    }
    assertEquals(2, runs.size(), statusOutput);
    return runs;
  }
}
