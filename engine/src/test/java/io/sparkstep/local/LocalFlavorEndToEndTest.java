package io.sparkstep.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.samples.GenerateTripsStep;
import io.sparkstep.samples.TripFeaturesStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample pipeline through the Java launch API on embedded Spark, its features checked against the trips. Failure,
 * cancel and the rest of the run contract are {@link LocalContractTest}'s.
 */
@Tag("slow")
class LocalFlavorEndToEndTest {
  @TempDir
  Path tmp;

  @Test
  void samplePipelineRunsAndRecordsRows() throws Exception {
    Path home = tmp.resolve("home");
    String trips = tmp.resolve("trips").toUri().toString();
    String zones = tmp.resolve("zones").toUri().toString();
    String features = tmp.resolve("features").toUri().toString();

    List<RunState> seen = new ArrayList<>();
    StepRun generate = Sparkstep.operator("local", home).step(GenerateTripsStep.class)
        .param("rows", 20_000).param("zones", 50)
        .output("trips", trips).output("zones", zones)
        .conf("spark.sql.shuffle.partitions", "4")
        .submit();
    generate.addListener(run -> seen.add(run.state()));
    assertEquals(RunState.SUCCEEDED, generate.await(Duration.ofMinutes(3)), () -> String.valueOf(generate.record().errorMessage()));
    assertEquals(20_000L, generate.record().rowsWritten().get("trips"));
    assertEquals(50L, generate.record().rowsWritten().get("zones"));
    assertNotNull(generate.record().sparkAppId());

    StepRun featuresRun = Sparkstep.operator("local", home).step("trip-features")
        .input("trips", trips).input("zones", zones).output("features", features)
        .conf("spark.sql.shuffle.partitions", "4")
        .submit();
    assertEquals(RunState.SUCCEEDED, featuresRun.await(Duration.ofMinutes(3)), () -> String.valueOf(featuresRun.record().errorMessage()));

    SparkSession spark = SparkSession.active();
    Dataset<Row> out = spark.read().parquet(features);
    assertEquals(out.count(), featuresRun.record().rowsWritten().get("features"));
    assertTrue(out.count() > 1000, "hourly features per zone");
    assertTrue(List.of(out.columns()).containsAll(List.of("pickup_zone", "trips", "avg_fare", "rolling_trips", "borough")));
    long tripsCounted = out.agg(org.apache.spark.sql.functions.sum("trips")).first().getLong(0);
    assertEquals(20_000L, tripsCounted, "every trip lands in exactly one hourly bucket");

    RunRecord stored = new RunStore(home).load(featuresRun.id()).orElseThrow();
    assertEquals(RunState.SUCCEEDED, stored.state);
    assertTrue(Files.size(new RunStore(home).logFile(featuresRun.id())) > 0, "the run's log captured lines");
    List<String> logLines = featuresRun.logs(false).collect(Collectors.toList());
    assertFalse(logLines.isEmpty());
  }
}
