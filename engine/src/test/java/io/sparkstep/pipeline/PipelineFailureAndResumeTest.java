package io.sparkstep.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.CopyStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step that fails: its dependents do not run, the pipeline is FAILED with that step's cause, the independent branch
 * finishes; after the fix, {@code pipeline resume} runs only the failed step and what depends on it, and the steps
 * that had succeeded keep their runs and artifacts.
 */
class PipelineFailureAndResumeTest {
  @TempDir
  Path home;

  @AfterEach
  void clearHome() {
    System.clearProperty("sparkstep.home");
  }

  @Test
  void aFailedStepStopsOnlyItsDependentsAndResumeRunsThemAfterTheFix() throws Exception {
    System.setProperty("sparkstep.home", home.toString());
    Path fix = home.resolve("fixed");
    Pipeline pipeline = Pipeline.builder("branches")
        .step("trips", "generate-trips").param("rows", 2_000).param("zones", 10)
        .step("features", "trip-features").input("trips", "trips.trips").input("zones", "trips.zones")
        .step("flaky", FailUntilFixedStep.class.getName()).param("fixedWhen", fix.toString())
        .input("in", "trips.trips")
        .step("after", CopyStep.class.getName()).input("in", "flaky.out")
        .build();
    pipeline.steps.forEach(s -> s.conf.put("spark.sql.shuffle.partitions", "2"));

    PipelineRunHandle run = PipelineLaunch.of(pipeline).home(home).parallelism(2).submit();
    assertEquals(RunState.FAILED, run.await(Duration.ofMinutes(4)));
    PipelineRunRecord failed = run.record();
    assertTrue(failed.error.contains("'flaky'") && failed.error.contains("flaky: not fixed yet"), failed.error);
    assertEquals(PipelineStepState.SUCCEEDED, failed.step("features").orElseThrow().state, "independent branch");
    assertEquals(PipelineStepState.FAILED, failed.step("flaky").orElseThrow().state);
    assertEquals(PipelineStepState.SKIPPED, failed.step("after").orElseThrow().state);
    assertNull(failed.step("after").orElseThrow().runId, "a dependent of the failed step never ran");
    // Nothing of the failed step was committed where a later step could read it.
    assertTrue(failed.step("flaky").orElseThrow().outputs.isEmpty());

    Files.createFile(fix);
    CliCall resume = CliCall.of("pipeline", "resume", run.id());
    assertEquals(0, resume.code(), resume.all());
    PipelineRunRecord resumed = run.record();
    assertEquals(RunState.SUCCEEDED, resumed.state);
    for (String kept : new String[] {"trips", "features"}) {
      assertEquals(failed.step(kept).orElseThrow().runId, resumed.step(kept).orElseThrow().runId, kept + " kept");
      assertEquals(failed.step(kept).orElseThrow().outputs, resumed.step(kept).orElseThrow().outputs);
    }
    PipelineRunRecord.StepEntry flaky = resumed.step("flaky").orElseThrow();
    assertNotEquals(failed.step("flaky").orElseThrow().runId, flaky.runId, "a new run of the failed step");
    assertEquals(java.util.List.of(failed.step("flaky").orElseThrow().runId), flaky.earlierRunIds);
    SparkSession spark = SparkSession.active();
    assertEquals(spark.read().parquet(resumed.step("trips").orElseThrow().outputs.get("trips")).count(),
        spark.read().parquet(resumed.step("after").orElseThrow().outputs.get("out")).count());
    assertEquals(run.id(), new RunStore(home).load(flaky.runId).orElseThrow().pipelineRun);

    CliCall status = CliCall.of("pipeline", "status", run.id(), "--json");
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("\"state\" : \"SUCCEEDED\"") && status.out().contains("\"runId\" : \""
        + flaky.runId + "\""), status.out());
  }
}
