package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RetryableStepException;
import io.sparkstep.api.RunState;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.record.CurrentRecord;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on its own, on one local SparkSession: each way a step can end, and what the record says of it. */
class StepRunnerTest {
  private static SparkSession spark;
  @TempDir
  Path tmp;
  private final List<RunState> persisted = new ArrayList<>();

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[1]").appName("step-runner-test")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void resetSteps() {
    FlakyStep.calls.set(0);
  }

  /** Writes rows 0..9 to its output {@code out}. */
  public static class WritingStep implements Step {
    @Override
    public StepDescriptor describe() {
      return StepDescriptor.builder("test-writing").output("out", "rows 0..9").build();
    }

    @Override
    public void run(StepContext context) {
      context.metric("answer", 42);
      context.output("out", context.spark().range(10).toDF());
    }
  }

  /** Fails with a cause. */
  public static class FailingStep extends WritingStep {
    @Override
    public void run(StepContext context) {
      context.output("out", context.spark().range(10).toDF());
      throw new IllegalStateException("the step broke", new java.io.IOException("disk gone"));
    }
  }

  /** Fails retryably on its first call, then writes. */
  public static class FlakyStep extends WritingStep {
    static final AtomicInteger calls = new AtomicInteger();

    @Override
    public void run(StepContext context) {
      if (calls.incrementAndGet() == 1) {
        throw new RetryableStepException("flaky once");
      }
      super.run(context);
    }
  }

  /** Runs out of memory (or says so) after staging its output. */
  public static class OutOfMemoryStep extends WritingStep {
    @Override
    public void run(StepContext context) {
      context.output("out", context.spark().range(10).toDF());
      throw new OutOfMemoryError("test heap exhausted");
    }
  }

  /** Returns without writing its declared output. */
  public static class ForgetfulStep extends WritingStep {
    @Override
    public void run(StepContext context) {
    }
  }

  private StepSpec spec(Class<? extends Step> step, String runId) {
    StepSpec spec = new StepSpec();
    spec.runId = runId;
    spec.step = step.getName();
    spec.outputs.put("out", ArtifactSpec.ofUri(tmp.resolve(runId + "-out").toUri().toString()));
    return spec;
  }

  private RunState run(StepSpec spec, CurrentRecord record, CancelToken cancel) {
    return new StepRunner().run(spark, spec, record, cancel, r -> persisted.add(r.state));
  }

  private static CurrentRecord record(StepSpec spec) {
    return new CurrentRecord(new RunRecord(spec.runId, spec.step, null, null));
  }

  @Test
  void aSucceedingStepCommitsItsOutputAndRecordsRowsAndMetrics() {
    StepSpec spec = spec(WritingStep.class, "ok");
    CurrentRecord record = record(spec);
    assertEquals(RunState.SUCCEEDED, run(spec, record, new CancelToken()));
    assertEquals(RunState.SUCCEEDED, record.get().state);
    assertEquals(10L, record.get().outputs.get("out").rows);
    assertEquals(42.0, ((Number) record.get().metrics.get("answer")).doubleValue());
    assertTrue(Files.isDirectory(tmp.resolve("ok-out")), "committed");
    assertEquals(RunState.SUCCEEDED, persisted.get(persisted.size() - 1), "the final state was handed on");
    assertTrue(persisted.contains(RunState.RUNNING), persisted.toString());
  }

  @Test
  void aFailingStepEndsFailedWithItsCauseAndCommitsNothing() {
    StepSpec spec = spec(FailingStep.class, "failing");
    CurrentRecord record = record(spec);
    assertEquals(RunState.FAILED, run(spec, record, new CancelToken()));
    assertEquals(RunState.FAILED, record.get().state);
    assertEquals("the step broke", record.get().error.message);
    assertTrue(record.get().error.rootCause.contains("disk gone"), record.get().error.rootCause);
    assertFalse(Files.exists(tmp.resolve("failing-out")), "nothing committed");
  }

  @Test
  void aRetryableFailureIsRetriedUpToTheStepsAttempts() {
    StepSpec spec = spec(FlakyStep.class, "flaky");
    spec.retry = new StepSpec.RetrySpec(2, 0);
    CurrentRecord record = record(spec);
    assertEquals(RunState.SUCCEEDED, run(spec, record, new CancelToken()));
    assertEquals(2, record.get().attempts.size());
    assertEquals(RunState.FAILED, record.get().attempts.get(0).state);
    assertEquals(RunState.SUCCEEDED, record.get().attempts.get(1).state);

    FlakyStep.calls.set(0);
    StepSpec once = spec(FlakyStep.class, "flaky-once");
    CurrentRecord failed = record(once);
    assertEquals(RunState.FAILED, run(once, failed, new CancelToken()), "one attempt: no retry");
    assertEquals(1, failed.get().attempts.size());
  }

  @Test
  void anErrorOfTheJvmEndsTheRecordFailedAndIsNotSwallowed() {
    StepSpec spec = spec(OutOfMemoryStep.class, "oom");
    CurrentRecord record = record(spec);
    OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class, () -> run(spec, record, new CancelToken()));
    assertEquals("test heap exhausted", thrown.getMessage());
    assertEquals(RunState.FAILED, record.get().state);
    assertNotNull(record.get().error);
    assertEquals(OutOfMemoryError.class.getName(), record.get().error.type);
    assertFalse(Files.exists(tmp.resolve("oom-out")), "nothing committed");
  }

  @Test
  void aStepThatWritesNoOutputFailsNamingIt() {
    StepSpec spec = spec(ForgetfulStep.class, "forgetful");
    CurrentRecord record = record(spec);
    assertEquals(RunState.FAILED, run(spec, record, new CancelToken()));
    assertTrue(record.get().error.message.contains("output 'out'"), record.get().error.message);
  }

  @Test
  void aCancelledRunEndsCancelledAndCommitsNothing() {
    StepSpec spec = spec(WritingStep.class, "cancelled");
    CurrentRecord record = record(spec);
    CancelToken cancel = new CancelToken();
    cancel.request();
    assertEquals(RunState.CANCELLED, run(spec, record, cancel));
    assertEquals(RunState.CANCELLED, record.get().state);
    assertFalse(Files.exists(tmp.resolve("cancelled-out")));
  }

  @Test
  void badInputFoundBeforeTheStepIsThrownWithTheRecordFailed() {
    StepSpec spec = spec(WritingStep.class, "bad-input");
    spec.inputs.put("missing", ArtifactSpec.ofUri(tmp.resolve("nowhere").toUri().toString()));
    CurrentRecord record = record(spec);
    InvalidSpecException thrown = assertThrows(InvalidSpecException.class,
        () -> run(spec, record, new CancelToken()));
    assertFalse(thrown.problems().isEmpty());
    assertEquals(RunState.FAILED, record.get().state);
    assertSame(RunState.FAILED, persisted.get(persisted.size() - 1));
  }
}
