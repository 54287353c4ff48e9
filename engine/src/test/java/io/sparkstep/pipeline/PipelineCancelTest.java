package io.sparkstep.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.CopyStep;
import io.sparkstep.testing.SlowStep;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline cancel} mid-pipeline, from the CLI while the Java API drives the run: the running step ends
 * CANCELLED through its flavor with nothing committed, the step after it never starts, the pipeline is CANCELLED.
 */
class PipelineCancelTest {
  @TempDir
  Path home;

  @AfterEach
  void clearHome() {
    System.clearProperty("sparkstep.home");
  }

  @Test
  void cancelStopsTheRunningStepAndWhatFollows() throws Exception {
    System.setProperty("sparkstep.home", home.toString());
    Pipeline pipeline = Pipeline.builder("cancelled")
        .step("slow", SlowStep.class.getName()).param("seconds", 60).param("partitions", 1)
        .step("copy", CopyStep.class.getName()).input("in", "slow.out")
        .build();
    PipelineRunHandle run = PipelineLaunch.of(pipeline).home(home).submit();
    RunStore runs = new RunStore(home);
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      String slowRun = run.stepRunIds().get("slow");
      if (slowRun != null && runs.load(slowRun).map(r -> r.state == RunState.RUNNING).orElse(false)) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(PipelineStepState.RUNNING, run.stepStates().get("slow"));
    CliCall cancel = CliCall.of("pipeline", "cancel", run.id());
    assertEquals(0, cancel.code(), cancel.all());
    assertEquals(RunState.CANCELLED, run.await(Duration.ofSeconds(50)), "cancelled well before the step's 60 s");
    PipelineRunRecord record = run.record();
    assertEquals(PipelineStepState.CANCELLED, record.step("slow").orElseThrow().state);
    assertFalse(record.step("copy").orElseThrow().state == PipelineStepState.SUCCEEDED);
    assertEquals(null, record.step("copy").orElseThrow().runId, "the step after the cancelled one never started");
    String slowOut = StepSpecs.artifactUri(StepSpecs.store(pipeline, home), "cancelled", "slow",
        record.step("slow").orElseThrow().runId, "out");
    assertFalse(Files.exists(Path.of(URI.create(slowOut))), "nothing of the cancelled step committed: " + slowOut);
    assertEquals(RunState.CANCELLED, runs.load(record.step("slow").orElseThrow().runId).orElseThrow().state);
    assertTrue(CliCall.of("pipeline", "status", run.id()).out().contains("CANCELLED"));
  }
}
