package io.sparkstep.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliProcess;
import io.sparkstep.testing.CopyStep;
import io.sparkstep.testing.SlowStep;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline run --detach} followed only by fresh CLI processes, to SUCCEEDED; and a detached pipeline process
 * killed with SIGKILL during a step and between two steps: a later {@code pipeline status} says so,
 * {@code pipeline resume} completes, the killed or next step left no artifact, and a step that had succeeded keeps
 * its run and artifact.
 */
class DetachedPipelineTest {
  private static final Duration CLI = Duration.ofMinutes(3);

  @TempDir
  Path home;

  private Path file(String yaml) throws Exception {
    Path file = home.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aDetachedPipelineIsFollowedToSucceededByFreshProcesses() throws Exception {
    Path file = file("""
        pipeline: detached
        steps:
          - {id: trips, step: generate-trips, params: {rows: 500, zones: 5}, conf: {spark.sql.shuffle.partitions: "2"}}
          - {id: copy, step: %s, inputs: {in: {from: trips.trips}}}
        """.formatted(CopyStep.class.getName()));
    CliProcess started = CliProcess.run(home, CLI, "pipeline", "run", file.toString(), "--detach");
    assertEquals(0, started.code(), started.all());
    String id = started.out().trim();
    Instant deadline = Instant.now().plus(CLI);
    CliProcess status;
    do {
      status = CliProcess.run(home, CLI, "pipeline", "status", id, "--json");
      assertEquals(0, status.code(), status.all());
    } while (!status.out().contains("\"state\" : \"SUCCEEDED\"") && !status.out().contains("\"state\" : \"FAILED\"")
        && Instant.now().isBefore(deadline));
    assertTrue(status.out().contains("\"state\" : \"SUCCEEDED\""), status.out());
    assertTrue(status.out().contains("\"pipeline\" : \"detached\""), status.out());
    CliProcess logs = CliProcess.run(home, CLI, "pipeline", "logs", id, "--step", "copy");
    assertEquals(0, logs.code(), logs.all());
    assertTrue(logs.out().startsWith("== step copy (run "), logs.out());
    CliProcess list = CliProcess.run(home, CLI, "pipeline", "list");
    assertTrue(list.out().contains(id) && list.out().contains("SUCCEEDED"), list.all());
  }

  @Test
  void aKilledPipelineProcessIsSaidSoAndResumeCompletes() throws Exception {
    Path file = file("""
        pipeline: killed
        steps:
          - {id: slow, step: %s, params: {seconds: 20, partitions: 1}}
          - {id: copy, step: %s, inputs: {in: {from: slow.out}}}
        """.formatted(SlowStep.class.getName(), CopyStep.class.getName()));
    CliProcess started = CliProcess.run(home, CLI, "pipeline", "run", file.toString(), "--detach");
    assertEquals(0, started.code(), started.all());
    String id = started.out().trim();
    PipelineRunStore store = new PipelineRunStore(home);
    RunStore runs = new RunStore(home);
    Instant deadline = Instant.now().plus(CLI);
    String slowRun = null;
    while (Instant.now().isBefore(deadline)) {
      slowRun = store.load(id).step("slow").orElseThrow().runId;
      if (slowRun != null && runs.load(slowRun).map(r -> r.state == RunState.RUNNING).orElse(false)) {
        break;
      }
      Thread.sleep(200);
    }
    RunRecord running = runs.load(slowRun).orElseThrow();
    assertEquals(RunState.RUNNING, running.state);
    ProcessHandle driver = ProcessHandle.of(Long.parseLong(store.load(id).driverPid)).orElseThrow();
    driver.destroyForcibly();
    driver.onExit().get();

    CliProcess status = CliProcess.run(home, CLI, "pipeline", "status", id);
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("FAILED") && status.out().contains("ended before the pipeline did"),
        status.out());

    CliProcess resume = CliProcess.run(home, CLI, "pipeline", "resume", id);
    assertEquals(0, resume.code(), resume.all());
    PipelineRunRecord done = store.load(id);
    assertEquals(RunState.SUCCEEDED, done.state);
    assertEquals(java.util.List.of(slowRun), done.step("slow").orElseThrow().earlierRunIds);
    // The killed run's artifact location holds nothing: its output was never committed.
    String killedOut = StepSpecs.artifactUri(home.resolve("artifacts").toAbsolutePath().toUri().toString()
        .replaceAll("/$", ""), "killed", "slow", slowRun, "out");
    assertFalse(Files.exists(Path.of(URI.create(killedOut))), killedOut);
    assertTrue(Files.exists(Path.of(URI.create(done.step("copy").orElseThrow().outputs.get("out")))));
  }

  @Test
  void aPipelineProcessKilledBetweenStepsResumesWithTheNextStepOnly() throws Exception {
    Path file = file("""
        pipeline: between
        steps:
          - {id: trips, step: generate-trips, params: {rows: 200, zones: 3}, conf: {spark.sql.shuffle.partitions: "1"}}
          - {id: copy, step: %s, inputs: {in: {from: trips.zones}}}
        """.formatted(CopyStep.class.getName()));
    // The driver holds before starting copy, once trips is stored SUCCEEDED: the moment between the two steps.
    CliProcess started = CliProcess.run(home, CLI, java.util.Map.of(PipelineExecutor.HOLD_BEFORE_STEP, "copy"),
        "pipeline", "run", file.toString(), "--detach");
    assertEquals(0, started.code(), started.all());
    String id = started.out().trim();
    PipelineRunStore store = new PipelineRunStore(home);
    Instant deadline = Instant.now().plus(CLI);
    PipelineRunRecord held = store.load(id);
    while (held.step("trips").orElseThrow().state != PipelineStepState.SUCCEEDED && !held.state.isFinal()
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      held = store.load(id);
    }
    assertEquals(PipelineStepState.SUCCEEDED, held.step("trips").orElseThrow().state, String.valueOf(held.error));
    assertEquals(PipelineStepState.PENDING, held.step("copy").orElseThrow().state);
    String tripsRun = held.step("trips").orElseThrow().runId;
    String zones = held.step("trips").orElseThrow().outputs.get("zones");
    ProcessHandle driver = ProcessHandle.of(Long.parseLong(held.driverPid)).orElseThrow();
    driver.destroyForcibly();
    driver.onExit().get();

    CliProcess status = CliProcess.run(home, CLI, "pipeline", "status", id);
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("FAILED") && status.out().contains("ended before the pipeline did"),
        status.out());
    Path copyArtifacts = home.resolve("artifacts").resolve("between").resolve("copy");
    assertFalse(Files.exists(copyArtifacts), "the next step wrote nothing: " + copyArtifacts);

    CliProcess resume = CliProcess.run(home, CLI, "pipeline", "resume", id);
    assertEquals(0, resume.code(), resume.all());
    PipelineRunRecord done = store.load(id);
    assertEquals(RunState.SUCCEEDED, done.state);
    PipelineRunRecord.StepEntry trips = done.step("trips").orElseThrow();
    assertEquals(tripsRun, trips.runId, "the succeeded step was not run again");
    assertEquals(java.util.List.of(), trips.earlierRunIds);
    assertEquals(zones, trips.outputs.get("zones"));
    String copied = done.step("copy").orElseThrow().outputs.get("out");
    assertTrue(Files.exists(Path.of(URI.create(copied))), copied);
    assertTrue(copied.startsWith(copyArtifacts.toAbsolutePath().toUri().toString()), copied);
  }
}
