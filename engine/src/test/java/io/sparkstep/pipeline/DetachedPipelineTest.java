package io.sparkstep.pipeline;

import io.sparkstep.api.PipelineStepState;
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
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
    // A fresh process while the pipeline runs: its driver is alive, so status must not call it dead. (Each CLI JVM
    // costs seconds of the two cores the pipeline needs, so the waiting itself reads the stored record, as status
    // does, and the fresh processes come once before and once after.)
    CliProcess running = CliProcess.run(home, CLI, "pipeline", "status", id, "--json");
    assertEquals(0, running.code(), running.all());
    assertFalse(running.out().contains("\"state\" : \"FAILED\""), running.out());
    awaitStep(new PipelineRunStore(home), id, r -> r.state.isFinal());
    CliProcess status = CliProcess.run(home, CLI, "pipeline", "status", id, "--json");
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("\"state\" : \"SUCCEEDED\""), status.out());
    assertTrue(status.out().contains("\"pipeline\" : \"detached\""), status.out());
    CliProcess logs = CliProcess.run(home, CLI, "pipeline", "logs", id, "--step", "copy");
    assertEquals(0, logs.code(), logs.all());
    assertTrue(logs.out().startsWith("== step copy (run "), logs.out());
    CliProcess list = CliProcess.run(home, CLI, "pipeline", "list");
    assertTrue(list.out().contains(id) && list.out().contains("SUCCEEDED"), list.all());
  }

  /**
   * One pipeline, its process killed twice: during its first step, then (after a detached resume) between its two
   * steps, where the test hook holds it. Each time {@code pipeline status} says so and nothing of the killed or the
   * next step is committed; the last resume completes with the step that had succeeded not run again.
   */
  @Test
  void aPipelineProcessKilledDuringAndBetweenStepsIsSaidSoAndResumeCompletes() throws Exception {
    Path file = file("""
        pipeline: killed
        steps:
          - {id: slow, step: %s, params: {seconds: 8, partitions: 1}}
          - {id: copy, step: %s, inputs: {in: {from: slow.out}}}
        """.formatted(SlowStep.class.getName(), CopyStep.class.getName()));
    CliProcess started = CliProcess.run(home, CLI, "pipeline", "run", file.toString(), "--detach");
    assertEquals(0, started.code(), started.all());
    String id = started.out().trim();
    PipelineRunStore store = new PipelineRunStore(home);
    RunStore runs = new RunStore(home);
    String killedRun = awaitStep(store, id, r -> {
      String run = r.step("slow").orElseThrow().runId;
      return run != null && runs.load(run).map(record -> record.state == RunState.RUNNING).orElse(false);
    }).step("slow").orElseThrow().runId;
    killDriver(store.load(id));
    assertSaidDead(id);
    String artifactStore = home.resolve("artifacts").toAbsolutePath().toUri().toString().replaceAll("/$", "");
    String killedOut = StepSpecs.artifactUri(artifactStore, "killed", "slow", killedRun, "out");
    assertFalse(Files.exists(Path.of(URI.create(killedOut))), "the killed step committed nothing: " + killedOut);

    // Resumed in a process of its own that holds before copy, once slow is stored SUCCEEDED: between the steps.
    CliProcess resumed = CliProcess.run(home, CLI, Map.of(PipelineExecutor.HOLD_BEFORE_STEP, "copy"),
        "pipeline", "resume", id, "--detach");
    assertEquals(0, resumed.code(), resumed.all());
    PipelineRunRecord held = awaitStep(store, id,
        r -> r.step("slow").orElseThrow().state == PipelineStepState.SUCCEEDED);
    assertEquals(PipelineStepState.PENDING, held.step("copy").orElseThrow().state);
    String slowRun = held.step("slow").orElseThrow().runId;
    String slowOut = held.step("slow").orElseThrow().outputs.get("out");
    killDriver(held);
    assertSaidDead(id);
    Path copyArtifacts = home.resolve("artifacts").resolve("killed").resolve("copy");
    assertFalse(Files.exists(copyArtifacts), "the next step wrote nothing: " + copyArtifacts);

    CliProcess resume = CliProcess.run(home, CLI, "pipeline", "resume", id);
    assertEquals(0, resume.code(), resume.all());
    PipelineRunRecord done = store.load(id);
    assertEquals(RunState.SUCCEEDED, done.state);
    PipelineRunRecord.StepEntry slow = done.step("slow").orElseThrow();
    assertEquals(slowRun, slow.runId, "the succeeded step was not run again");
    assertEquals(List.of(killedRun), slow.earlierRunIds);
    assertEquals(slowOut, slow.outputs.get("out"));
    assertTrue(Files.exists(Path.of(URI.create(slowOut))), slowOut);
    String copied = done.step("copy").orElseThrow().outputs.get("out");
    assertTrue(copied.startsWith(copyArtifacts.toAbsolutePath().toUri().toString()), copied);
    assertTrue(Files.exists(Path.of(URI.create(copied))), copied);
  }

  /** The run's record once {@code reached} holds of it (polling the stored record, as any process would). */
  private static PipelineRunRecord awaitStep(PipelineRunStore store, String id, Predicate<PipelineRunRecord> reached)
      throws Exception {
    Instant deadline = Instant.now().plus(CLI);
    PipelineRunRecord record = store.load(id);
    while (!reached.test(record) && !record.state.isFinal() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      record = store.load(id);
    }
    PipelineRunRecord last = record;
    assertTrue(reached.test(last), () -> "not reached; the run: " + last.state + " " + last.error);
    return last;
  }

  private static void killDriver(PipelineRunRecord record) throws Exception {
    ProcessHandle driver = ProcessHandle.of(Long.parseLong(record.driverPid)).orElseThrow();
    driver.destroyForcibly();
    driver.onExit().get();
  }

  private void assertSaidDead(String id) throws Exception {
    CliProcess status = CliProcess.run(home, CLI, "pipeline", "status", id);
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("FAILED") && status.out().contains("ended before the pipeline did"),
        status.out());
  }
}
