package io.sparkstep.spi.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.RunContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote poll loop, written once in {@link RemoteJobRun}, against a small platform kept in this test: the
 * handle below is what a flavor writes (its client calls and its state table), the loop is the real one.
 */
class RemoteJobRunTest {
  @TempDir
  Path home;

  /** What a job platform offers a flavor: the four calls each of sagemaker, vertex and azureml makes. */
  interface JobPlatform {
    Job describe(String jobName) throws Exception;

    List<String> logLines(String jobName, int from) throws Exception;

    Optional<String> driverRecord(String jobName);

    void stop(String jobName) throws Exception;
  }

  /** One job as the platform describes it, in the platform's own words. */
  record Job(String status, Instant started, Instant ended, String failureReason) {
  }

  /** The platform in memory: the test moves its job along; every question it was asked is counted. */
  static final class InMemoryPlatform implements JobPlatform {
    Job job = new Job("Pending", null, null, null);
    final List<String> log = new ArrayList<>();
    String driverRecordJson;
    String unreachableBecause;
    int describes;
    int stops;

    @Override
    public Job describe(String jobName) throws Exception {
      describes++;
      if (unreachableBecause != null) {
        throw new java.io.IOException(unreachableBecause);
      }
      return job;
    }

    @Override
    public List<String> logLines(String jobName, int from) {
      return List.copyOf(log.subList(Math.min(from, log.size()), log.size()));
    }

    @Override
    public Optional<String> driverRecord(String jobName) {
      return Optional.ofNullable(driverRecordJson);
    }

    @Override
    public void stop(String jobName) {
      stops++;
      job = new Job("Stopping", job.started(), null, null);
    }
  }

  /** A flavor's handle: the platform's calls and its state table, nothing of the loop. */
  static final class PlatformJobRun extends RemoteJobRun {
    private static final Map<String, RunState> STATES = Map.of("Pending", RunState.SUBMITTED,
        "Running", RunState.RUNNING, "Stopping", RunState.RUNNING, "Completed", RunState.SUCCEEDED,
        "Failed", RunState.FAILED, "Stopped", RunState.CANCELLED);
    private final JobPlatform platform;
    int closes;

    PlatformJobRun(RunContext context, JobPlatform platform) {
      super(context, Duration.ZERO);
      this.platform = platform;
    }

    private String jobName() {
      return context.record().platform.get("jobName");
    }

    @Override
    protected JobStatus describeJob() throws Exception {
      Job job = platform.describe(jobName());
      return new JobStatus(STATES.get(job.status()), job.status(), job.started(), job.ended(), job.failureReason());
    }

    @Override
    protected RunLogAppender.LogSource containerLog() {
      return cursor -> {
        int from = Integer.parseInt(cursor.getOrDefault("line", "0"));
        List<String> lines = platform.logLines(jobName(), from);
        return RunLogAppender.Page.of(lines, Map.of("line", Integer.toString(from + lines.size())));
      };
    }

    @Override
    protected Optional<String> readDriverRecord() {
      return platform.driverRecord(jobName());
    }

    @Override
    protected void stopJob() throws Exception {
      platform.stop(jobName());
    }

    @Override
    protected String platformName() {
      return "fake";
    }

    @Override
    protected void close() {
      closes++;
    }
  }

  private final InMemoryPlatform platform = new InMemoryPlatform();

  private PlatformJobRun submit(String runId) {
    RunStore store = new RunStore(home);
    store.reserve(runId);
    RunRecord record = new RunRecord(runId, "train", "op", "fake").platformNote("jobName", "job-" + runId);
    store.save(record);
    return new PlatformJobRun(new RunContext(record, store, null), platform);
  }

  private List<String> copiedLog(String runId) throws Exception {
    return Files.readAllLines(new RunStore(home).logFile(runId));
  }

  @Test
  void followsTheJobToItsEndCopyingTheLogTakingThePlatformsTimesAndTheDriversRecord() throws Exception {
    PlatformJobRun run = submit("succeeds");
    assertEquals(RunState.SUBMITTED, run.state());

    Instant started = Instant.parse("2026-05-01T10:00:00Z");
    platform.job = new Job("Running", started, null, null);
    platform.log.addAll(List.of("step started", "stage 1 done"));
    assertEquals(RunState.RUNNING, run.state());
    assertEquals(started, run.record().startedAt(), "the platform's start, not when this process looked");

    RunRecord driver = new RunRecord("succeeds", "train", "op", "fake")
        .outputCommitted("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 7L, true))
        .sparkApp("app-1")
        .startedAt(started.plusSeconds(10)) // when the step itself began, after the container's start
        .moved(RunState.SUCCEEDED);
    platform.driverRecordJson = RunRecordJson.write(driver);
    platform.log.add("step succeeded");
    Instant ended = Instant.parse("2026-05-01T10:05:00Z");
    platform.job = new Job("Completed", started, ended, null);

    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofSeconds(10)));
    RunRecordView record = run.record();
    assertEquals(started.plusSeconds(10), record.startedAt(), "the driver knows when the step began");
    assertEquals(ended, record.endedAt(), "the job's own end, over the driver's");
    assertEquals(Duration.ofSeconds(290), record.duration());
    assertEquals(7L, record.outputs().get("trips").rows(), "the driver's outputs were merged");
    assertEquals("app-1", record.sparkAppId());
    List<String> log = copiedLog("succeeds");
    assertEquals(List.of("step started", "stage 1 done", "step succeeded"),
        log.stream().filter(line -> !line.contains("fake:")).toList(), "each platform line copied once, in order");
    assertEquals(3, log.stream().filter(line -> line.contains("fake: job state")).count(),
        "each platform state noted once: " + log);
    assertEquals(RunState.SUCCEEDED, new RunStore(home).load("succeeds").orElseThrow().state);

    int describes = platform.describes;
    run.state();
    run.record();
    assertEquals(describes, platform.describes, "a final run asks the platform nothing more");
    assertEquals(1, run.closes, "the clients are released once, at the end");
  }

  @Test
  void aFailedJobWithoutAStepErrorFailsWithWhatThePlatformSaid() {
    PlatformJobRun run = submit("fails");
    platform.job = new Job("Failed", Instant.parse("2026-05-01T10:00:00Z"), Instant.parse("2026-05-01T10:00:30Z"),
        "OutOfMemory: the container was killed");

    assertEquals(RunState.FAILED, run.state());

    RunRecordView record = run.record();
    assertEquals("fakeJobFailed", record.error().type());
    assertTrue(record.error().message().startsWith("OutOfMemory: the container was killed"), record.error().message());
    assertEquals("OutOfMemory: the container was killed",
        new RunStore(home).load("fails").orElseThrow().platform.get("failureReason"));
  }

  @Test
  void theStepsOwnErrorLeadsAndThePlatformsReasonStaysNextToIt() {
    PlatformJobRun run = submit("step-error");
    RunRecord driver = new RunRecord("step-error", "train", "op", "fake")
        .failed(RunRecord.ErrorInfo.of(new IllegalArgumentException("column fare is missing")))
        .moved(RunState.FAILED);
    platform.driverRecordJson = RunRecordJson.write(driver);
    platform.job = new Job("Failed", null, null, "AlgorithmError: exit 1");

    assertEquals(RunState.FAILED, run.state());

    RunRecordView record = run.record();
    assertEquals(IllegalArgumentException.class.getName(), record.error().type());
    assertEquals("column fare is missing", record.error().message());
    assertEquals("fake: AlgorithmError: exit 1", record.error().rootCause());
  }

  @Test
  void anUnreachablePlatformMakesTheStateUnknownUntilItAnswersAgain() {
    PlatformJobRun run = submit("unreachable");
    platform.job = new Job("Running", null, null, null);
    assertEquals(RunState.RUNNING, run.state());

    platform.unreachableBecause = "connect timed out";
    assertEquals(RunState.UNKNOWN, run.state());
    assertTrue(run.record().stateReason().contains("connect timed out"), run.record().stateReason());

    platform.unreachableBecause = null;
    assertEquals(RunState.RUNNING, run.state());
    assertNull(run.record().stateReason());
  }

  @Test
  void cancelAsksThePlatformToStopAndTheRunEndsWhenThePlatformSaysStopped() throws Exception {
    PlatformJobRun run = submit("cancelled");
    platform.job = new Job("Running", null, null, null);
    assertEquals(RunState.RUNNING, run.state());

    run.cancel();
    assertEquals(1, platform.stops);
    assertNotNull(new RunStore(home).load("cancelled").orElseThrow().platform.get("cancelRequestedAt"),
        "the request is stored for any other process that observes the end");
    assertEquals(RunState.RUNNING, run.state(), "stopping is not stopped");

    platform.job = new Job("Stopped", null, null, null);
    assertEquals(RunState.CANCELLED, run.await(Duration.ofSeconds(10)));
    run.cancel();
    assertEquals(1, platform.stops, "a final run is not stopped again");
    assertTrue(copiedLog("cancelled").stream().collect(Collectors.joining("\n")).contains("cancel requested"));
  }
}
