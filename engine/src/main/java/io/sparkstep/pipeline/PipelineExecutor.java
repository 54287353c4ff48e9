package io.sparkstep.pipeline;

import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.api.StepRun;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import io.sparkstep.api.SubmitException;
import io.sparkstep.spi.util.Redactor;

/**
 * Drives one pipeline run to its end in this process: starts every ready step (all its upstream steps SUCCEEDED), up
 * to {@code parallelism} at once, each through {@link StepSubmitter} (the path of {@code run --operator}); skips the
 * steps after one that failed or was cancelled while independent branches go on; stops the running steps when a
 * cancel is requested (by this process, or by another through the run's record). Every change is stored first, so
 * any other process sees where the run stands. Steps on the local operator run in this JVM and so share its embedded
 * SparkSession.
 */
final class PipelineExecutor {
  /** How often the driver looks for a cancel request from another process while no step changes state. */
  private static final long POLL_MILLIS = 500;
  /**
   * Test hook (docs/pipelines.md): the id of a step this driver holds before, for good, once every step it depends on
   * is stored SUCCEEDED. It gives a test a deterministic moment between two steps (to kill the driver there) where a
   * sleep would only guess one.
   */
  static final String HOLD_BEFORE_STEP = "SPARKSTEP_TEST_PIPELINE_HOLD_BEFORE_STEP";
  private final StepSubmitter submitter;
  private final PipelineRunStore store;
  private final Path home;
  private final String id;
  private final Semaphore changed = new Semaphore(0);
  private volatile boolean cancelRequested;
  private final Map<String, StepRun> running = new LinkedHashMap<>();
  private final PipelineLineage lineage;

  PipelineExecutor(StepSubmitter submitter, PipelineRunStore store, Path home, String id) {
    this.submitter = submitter;
    this.store = store;
    this.home = home;
    this.id = id;
    this.lineage = new PipelineLineage(submitter, store);
  }

  /** Asks the run to stop: running steps are cancelled through their flavors, no further step starts. */
  void cancel() {
    cancelRequested = true;
    changed.release();
  }

  RunState run() throws InterruptedException {
    Pipeline pipeline = store.pipeline(id);
    String store = StepSpecs.store(pipeline, home);
    PipelineRunRecord record = this.store.update(id, r -> {
      r.state = RunState.RUNNING;
      if (r.startedAt == null) {
        r.startedAt = Instant.now();
      }
      ProcessHandle self = ProcessHandle.current();
      r.driverPid = Long.toString(self.pid());
      r.driverStartedAt = self.info().startInstant().orElse(null);
    });
    // before any step starts: a lineage backend sees the parent start before its children
    lineage.publish(record);
    int parallelism = Math.max(1, record.parallelism);
    Map<String, StepDescriptor> descriptors = new HashMap<>();
    boolean cancelling = false;
    while (true) {
      record = this.store.load(id);
      if (!cancelling && (cancelRequested || record.cancelRequested)) {
        cancelling = true;
        running.values().forEach(StepRun::cancel);
      }
      for (Map.Entry<String, StepRun> entry : List.copyOf(running.entrySet())) {
        RunState state = entry.getValue().state();
        if (state.isFinal()) {
          finished(entry.getKey(), entry.getValue());
          lineage.stepEnded(pipeline, pipeline.step(entry.getKey()).orElseThrow(), entry.getValue().id());
          running.remove(entry.getKey());
        } else if (record.step(entry.getKey()).map(e -> e.state != PipelineStepState.of(state)).orElse(false)) {
          this.store.update(id, r -> r.step(entry.getKey()).orElseThrow().state = PipelineStepState.of(state));
        }
      }
      record = skipAfterFailures(pipeline);
      if (!cancelling) {
        for (PipelineStep step : pipeline.steps) {
          if (running.size() >= parallelism) {
            break;
          }
          PipelineRunRecord.StepEntry entry = record.step(step.id).orElseThrow();
          if (entry.state == PipelineStepState.PENDING && upstreamSucceeded(step, record)) {
            holdIfAsked(step);
            start(pipeline, step, store, record, descriptors);
            record = this.store.load(id);
          }
        }
      }
      if (running.isEmpty()) {
        break;
      }
      changed.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
      changed.drainPermits();
    }
    boolean cancelled = cancelling;
    PipelineRunRecord ended = this.store.update(id, r -> end(r, cancelled));
    lineage.publish(ended);
    return ended.state;
  }

  private static void holdIfAsked(PipelineStep step) throws InterruptedException {
    if (step.id.equals(System.getenv(HOLD_BEFORE_STEP))) {
      new CountDownLatch(1).await();
    }
  }

  private static boolean upstreamSucceeded(PipelineStep step, PipelineRunRecord record) {
    return step.upstream().stream().allMatch(up -> record.step(up)
        .map(e -> e.state == PipelineStepState.SUCCEEDED).orElse(false));
  }

  /** Marks SKIPPED every pending step downstream of one that failed, was cancelled or was skipped. */
  private PipelineRunRecord skipAfterFailures(Pipeline pipeline) {
    return store.update(id, r -> {
      boolean again = true;
      while (again) {
        again = false;
        for (PipelineStep step : pipeline.steps) {
          PipelineRunRecord.StepEntry entry = r.step(step.id).orElseThrow();
          if (entry.state != PipelineStepState.PENDING) {
            continue;
          }
          for (String up : step.upstream()) {
            PipelineStepState upState = r.step(up).map(e -> e.state).orElse(PipelineStepState.FAILED);
            if (upState == PipelineStepState.FAILED || upState == PipelineStepState.CANCELLED
                || upState == PipelineStepState.SKIPPED) {
              entry.state = PipelineStepState.SKIPPED;
              entry.error = "not run: step '" + up + "' " + upState.name().toLowerCase();
              again = true;
              break;
            }
          }
        }
      }
    });
  }

  private void start(Pipeline pipeline, PipelineStep step, String artifactStore, PipelineRunRecord record,
                     Map<String, StepDescriptor> descriptors) {
    String stepRunId = StepSubmitter.newRunId();
    Map<String, Map<String, String>> upstream = new HashMap<>();
    record.steps.forEach(e -> upstream.put(e.id, e.outputs));
    // The run id is stored before the run starts: a process that looks meanwhile knows which run to follow.
    store.update(id, r -> {
      PipelineRunRecord.StepEntry entry = r.step(step.id).orElseThrow();
      entry.runId = stepRunId;
      entry.state = PipelineStepState.SUBMITTED;
    });
    try {
      StepDescriptor descriptor = descriptors.computeIfAbsent(step.id, s -> StepSpecs.describe(step, home));
      StepSpec spec = StepSpecs.of(pipeline, step, descriptor, artifactStore, id, stepRunId, upstream);
      StepRun run = submitter.submit(pipeline.operatorOf(step), spec);
      run.addListener(r -> changed.release());
      running.put(step.id, run);
      if (run.state().isFinal()) {
        // A run final at once (served by the step cache) tells no listener: the loop looks again without waiting.
        changed.release();
      }
    } catch (SubmitException | RuntimeException e) {
      store.update(id, r -> {
        PipelineRunRecord.StepEntry entry = r.step(step.id).orElseThrow();
        entry.state = PipelineStepState.FAILED;
        entry.error = "not started: " + Redactor.scrub(String.valueOf(e.getMessage()));
      });
    }
  }

  private void finished(String stepId, StepRun run) {
    RunRecordView view = run.record();
    store.update(id, r -> {
      PipelineRunRecord.StepEntry entry = r.step(stepId).orElseThrow();
      entry.state = PipelineStepState.of(view.state());
      entry.outputs.clear();
      entry.outputs.putAll(view.outputUris());
      entry.outputs.putAll(view.modelsWritten());
      entry.error = view.errorMessage();
    });
  }

  /** The pipeline's end: FAILED with the first failed step's cause, else CANCELLED, else SUCCEEDED. */
  private static void end(PipelineRunRecord r, boolean cancelled) {
    PipelineRunRecord.StepEntry failed = r.steps.stream().filter(e -> e.state == PipelineStepState.FAILED)
        .findFirst().orElse(null);
    for (PipelineRunRecord.StepEntry entry : r.steps) {
      if (!entry.state.isFinal()) {
        entry.state = PipelineStepState.CANCELLED;
      }
    }
    if (failed != null) {
      r.state = RunState.FAILED;
      r.error = "step '" + failed.id + "' failed: " + failed.error;
    } else if (cancelled || r.steps.stream().anyMatch(e -> e.state != PipelineStepState.SUCCEEDED)) {
      r.state = RunState.CANCELLED;
      r.error = "cancelled";
    } else {
      r.state = RunState.SUCCEEDED;
      r.error = null;
    }
    r.endedAt = Instant.now();
  }
}
