package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.testing.EntrypointProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one entrypoint: spec from a file, an argument or the environment; run record in the run dir; exit codes. */
@Tag("slow")
class StepEntrypointTest {
  @TempDir
  Path tmp;

  /** The kept session is the entrypoint's, not the embedded default's: later test classes of this JVM start clean. */
  @org.junit.jupiter.api.AfterAll
  static void releaseJvm() {
    scala.Option<org.apache.spark.sql.SparkSession> kept = org.apache.spark.sql.SparkSession.getDefaultSession();
    if (kept.isDefined()) {
      kept.get().stop();
    }
  }

  /** An entrypoint embedded in this test JVM: the session stays for the next test. */
  private static StepEntrypoint entrypoint() {
    return new StepEntrypoint(new StepEntrypoint.Options(false));
  }

  private StepSpec generateSpec(String runId, int rows) {
    StepSpec spec = new StepSpec();
    spec.runId = runId;
    spec.step = "generate-trips";
    spec.params.put("rows", rows);
    spec.params.put("zones", 10);
    spec.outputs.put("trips", ArtifactSpec.ofUri(tmp.resolve(runId + "-trips").toUri().toString()));
    spec.outputs.put("zones", ArtifactSpec.ofUri(tmp.resolve(runId + "-zones").toUri().toString()));
    spec.resources.cpu = 1;
    spec.runDir = tmp.resolve("runs/" + runId).toUri().toString();
    return spec;
  }

  private RunRecord record(String runId) throws Exception {
    return RunRecordJson.read(Files.readString(tmp.resolve("runs/" + runId + "/record.json")));
  }

  @Test
  void specFileRunsAndWritesRecord() throws Exception {
    Path specFile = tmp.resolve("spec.json");
    Files.writeString(specFile, StepSpecJson.write(generateSpec("from-file", 1234)));
    assertEquals(ExitCode.SUCCEEDED, entrypoint().run(new String[] {"--spec", specFile.toString()}));
    RunRecord record = record("from-file");
    assertEquals(RunState.SUCCEEDED, record.state);
    assertEquals(1234L, record.outputs.get("trips").rows);
    assertNotNull(record.sparkAppId);
    assertNotNull(record.startedAt);
    assertNotNull(record.durationMillis);
  }

  @Test
  void specJsonArgumentAndFailureExitCode() throws Exception {
    StepSpec spec = new StepSpec();
    spec.runId = "fails";
    spec.step = "io.sparkstep.testing.FailingStep";
    spec.outputs.put("out", ArtifactSpec.ofUri(tmp.resolve("out").toUri().toString()));
    spec.runDir = tmp.resolve("runs/fails").toUri().toString();
    spec.retry = new StepSpec.RetrySpec(3, 10);
    spec.params.put("retryable", true);
    assertEquals(ExitCode.STEP_FAILED, entrypoint().run(new String[] {"--spec-json", StepSpecJson.write(spec)}));
    RunRecord record = record("fails");
    assertEquals(RunState.FAILED, record.state);
    assertEquals(3, record.attempts.size(), "a retryable failure is tried maxAttempts times");
    assertTrue(record.error.message.contains("boom"));
    assertFalse(Files.exists(tmp.resolve("out")));
  }

  @Test
  void invalidInputExitsTwo() {
    assertEquals(ExitCode.INVALID_INPUT, entrypoint().run(new String[] {"--spec-json", "{not json"}));
    assertEquals(ExitCode.INVALID_INPUT, entrypoint().run(new String[] {"--bogus"}));
    StepSpec spec = generateSpec("bad", 10);
    spec.params.put("rows", "lots");
    assertEquals(ExitCode.INVALID_INPUT, entrypoint().run(new String[] {"--spec-json", StepSpecJson.write(spec)}));
    StepSpec missingInput = new StepSpec();
    missingInput.step = "trip-features";
    missingInput.runId = "missing-input";
    missingInput.runDir = tmp.resolve("runs/missing-input").toUri().toString();
    missingInput.inputs.put("trips", ArtifactSpec.ofUri(tmp.resolve("nope").toUri().toString()));
    missingInput.inputs.put("zones", ArtifactSpec.ofUri(tmp.resolve("nope2").toUri().toString()));
    missingInput.outputs.put("features", ArtifactSpec.ofUri(tmp.resolve("f").toUri().toString()));
    assertEquals(ExitCode.INVALID_INPUT, entrypoint().run(new String[] {"--spec-json", StepSpecJson.write(missingInput)}));
  }

  @Test
  void specFromEnvironmentInAContainerLikeProcess() throws Exception {
    StepSpec spec = generateSpec("from-env", 777);
    Path log = tmp.resolve("container.log");
    Process process = EntrypointProcess.start(Map.of(StepEntrypoint.SPEC_ENV, StepSpecJson.write(spec)), List.of(), log);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "entrypoint finished");
    assertEquals(0, process.exitValue(), Files.readString(log));
    assertEquals(777L, record("from-env").outputs.get("trips").rows);
  }

  @Test
  void sigtermCancelsAndCommitsNothing() throws Exception {
    StepSpec spec = new StepSpec();
    spec.runId = "sigterm";
    spec.step = "io.sparkstep.testing.SlowStep";
    spec.params.put("seconds", 120);
    spec.outputs.put("out", ArtifactSpec.ofUri(tmp.resolve("slow-out").toUri().toString()));
    spec.runDir = tmp.resolve("runs/sigterm").toUri().toString();
    Path log = tmp.resolve("sigterm.log");
    Process process = EntrypointProcess.start(Map.of(StepEntrypoint.SPEC_ENV, StepSpecJson.write(spec)), List.of(), log);
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && !Files.readString(log).contains("slow step: tasks sleep")) {
      Thread.sleep(300);
    }
    process.destroy();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    assertTrue(exited, "the entrypoint ends after SIGTERM:\n" + Files.readString(log));
    assertEquals(RunState.CANCELLED, record("sigterm").state, Files.readString(log));
    assertFalse(Files.exists(tmp.resolve("slow-out")));
  }

  @Test
  void stagingLeftByARunKilledWithSigkillIsRemovedByTheNextRun() throws Exception {
    Path out = tmp.resolve("killed-out");
    Path leftover = tmp.resolve(".killed-out.sparkstep-staging-killed");
    StepSpec spec = new StepSpec();
    spec.runId = "killed";
    spec.step = "io.sparkstep.testing.SlowStep";
    spec.params.put("seconds", 120);
    spec.outputs.put("out", ArtifactSpec.ofUri(out.toUri().toString()));
    spec.runDir = tmp.resolve("runs/killed").toUri().toString();
    Path log = tmp.resolve("killed.log");
    Process process = EntrypointProcess.start(Map.of(StepEntrypoint.SPEC_ENV, StepSpecJson.write(spec)), List.of(), log);
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && !Files.isDirectory(leftover) && process.isAlive()) {
      Thread.sleep(200);
    }
    assertTrue(Files.isDirectory(leftover), "the slow run is writing its staging: " + Files.readString(log));
    process.destroyForcibly(); // SIGKILL: no hook, no abort
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertTrue(Files.isDirectory(leftover), "kill -9 leaves the staging behind");

    StepSpec next = spec.copy();
    next.runId = "after-kill";
    next.params.put("seconds", 1);
    next.runDir = tmp.resolve("runs/after-kill").toUri().toString();
    assertEquals(ExitCode.SUCCEEDED, entrypoint().run(new String[] {"--spec-json", StepSpecJson.write(next)}));
    assertFalse(Files.exists(leftover), "the dead run's staging is gone at once, not after an hour");
    assertFalse(Files.exists(tmp.resolve(".killed-out.sparkstep-owner-killed")), "and its owner marker");
    assertTrue(Files.isDirectory(out), "the next run committed");
    try (var left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".killed-out")), "nothing hidden left");
    }
  }

  @Test
  void cancelBeforeTheRunRecordsCancelledAndStartsNoStep() throws Exception {
    StepEntrypoint entrypoint = entrypoint();
    entrypoint.cancel();
    assertEquals(ExitCode.CANCELLED, entrypoint.run(new String[] {"--spec-json",
        StepSpecJson.write(generateSpec("cancelled-early", 100))}));
    assertEquals(RunState.CANCELLED, record("cancelled-early").state);
    assertFalse(Files.exists(tmp.resolve("cancelled-early-trips")), "the step never ran");
  }

  @Test
  void cancelWhileTheStepRunsStopsItsJobsAndCommitsNothing() throws Exception {
    StepSpec spec = new StepSpec();
    spec.runId = "cancelled-running";
    spec.step = "io.sparkstep.testing.SlowStep";
    spec.params.put("seconds", 120);
    spec.outputs.put("out", ArtifactSpec.ofUri(tmp.resolve("cancelled-out").toUri().toString()));
    spec.runDir = tmp.resolve("runs/cancelled-running").toUri().toString();
    StepEntrypoint entrypoint = entrypoint();
    java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> entrypoint.run(new String[] {"--spec-json", StepSpecJson.write(spec)}));
    Path recordFile = tmp.resolve("runs/cancelled-running/record.json");
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && !(Files.exists(recordFile)
        && RunRecordJson.read(Files.readString(recordFile)).state == RunState.RUNNING)) {
      Thread.sleep(100);
    }
    assertEquals(RunState.RUNNING, record("cancelled-running").state, "the step started");
    entrypoint.cancel();
    assertEquals(ExitCode.CANCELLED, exit.get(60, TimeUnit.SECONDS), "ends long before the step's 120 s");
    assertEquals(RunState.CANCELLED, record("cancelled-running").state);
    assertFalse(Files.exists(tmp.resolve("cancelled-out")), "nothing committed");
  }
}
