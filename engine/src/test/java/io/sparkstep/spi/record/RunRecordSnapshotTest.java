package io.sparkstep.spi.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.api.ErrorView;
import io.sparkstep.api.ModelView;
import io.sparkstep.api.OutputView;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link StepRun#record()} returns: an immutable copy carrying everything the CLI prints, read without a cast. */
class RunRecordSnapshotTest {

  /** A run whose state is pushed, as the local flavor's is: the smallest real {@link AbstractStepRun}. */
  static final class PushedRun extends AbstractStepRun {
    PushedRun(RunContext context) {
      super(context);
    }

    @Override
    protected void requestCancel() {
      moveTo(RunState.CANCELLED);
    }

    void finish(RunState state) {
      moveTo(state);
    }

    RunRecord change(UnaryOperator<RunRecord> event) {
      return context.update(event);
    }
  }

  @Test
  void theSnapshotCarriesOutputsModelsMetricsAndTheErrorAndDoesNotChangeWithTheRun(@TempDir Path home) {
    RunRecord live = new RunRecord("run-1", "train", "local", "local")
        .outputCommitted("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 1500L, true))
        .outputCommitted("staged", new RunRecord.OutputInfo("file:/out/staged", "csv", 3L, false))
        .outputCommitted("zones", new RunRecord.OutputInfo("file:/out/zones", "csv", 20L, true))
        .modelCommitted("model", new RunRecord.ModelInfo("file:/out/model",
            "org.apache.spark.ml.regression.LinearRegressionModel", "4.1.1", 4096L, true))
        .metric("rmse", 2.5)
        .metric("counts", new LinkedHashMap<>(Map.of("a", 1)))
        .failed(RunRecord.ErrorInfo.of(new IllegalStateException("step failed", new java.io.IOException("disk full"))))
        .waiting("ImagePullBackOff: Back-off pulling image")
        .sparkApp("local-1");
    RunStore store = new RunStore(home);
    store.save(live);
    PushedRun run = new PushedRun(new RunContext(live, store, null));

    RunRecordView view = run.record();
    assertFalse(((Object) view) instanceof RunRecord, "the view is a copy, not the live record to cast to");
    assertEquals(Map.of("trips", new OutputView("file:/out/trips", 1500L, "parquet"),
        "zones", new OutputView("file:/out/zones", 20L, "csv")), view.outputs(), "committed outputs only");
    assertEquals(List.of("trips", "zones"), List.copyOf(view.outputs().keySet()), "in the record's order");
    assertEquals(Map.of("trips", 1500L, "zones", 20L), view.rowsWritten());
    assertEquals(new ModelView("file:/out/model", "org.apache.spark.ml.regression.LinearRegressionModel", "4.1.1",
        4096L), view.models().get("model"));
    assertEquals(List.of("rmse", "counts"), List.copyOf(view.metrics().keySet()), "metrics in the order reported");
    ErrorView error = view.error();
    assertEquals(IllegalStateException.class.getName(), error.type());
    assertEquals("step failed", error.message());
    assertEquals("java.io.IOException: disk full", error.rootCause());
    assertTrue(error.stackTrace().contains("RunRecordSnapshotTest"), error.stackTrace());
    assertEquals("ImagePullBackOff: Back-off pulling image", view.waitingReason());

    assertThrows(UnsupportedOperationException.class, () -> view.outputs().clear());
    assertThrows(UnsupportedOperationException.class, () -> view.models().remove("model"));
    assertThrows(UnsupportedOperationException.class, () -> view.metrics().put("rmse", 0));
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = (Map<String, Object>) view.metrics().get("counts");
    assertThrows(UnsupportedOperationException.class, () -> counts.put("b", 2), "nested metric maps too");
    assertThrows(UnsupportedOperationException.class, () -> view.rowsWritten().put("trips", 0L));

    run.change(r -> r.outputCommitted("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 1L, true))
        .outputCommitted("late", new RunRecord.OutputInfo("file:/out/late", "csv", 1L, true))
        .metric("late", 1)
        .failed(RunRecord.ErrorInfo.of("Changed", "changed")));
    run.finish(RunState.FAILED);
    assertEquals(RunState.SUBMITTED, view.state(), "taken before the run ended");
    assertEquals(1500L, view.outputs().get("trips").rows());
    assertFalse(view.outputs().containsKey("late"));
    assertFalse(view.metrics().containsKey("late"));
    assertEquals("step failed", view.errorMessage());
    assertNull(view.duration());

    RunRecordView after = run.record();
    assertEquals(RunState.FAILED, after.state());
    assertNull(after.waitingReason(), "a final run waits for nothing");
    assertEquals(Duration.ofMillis(run.change(r -> r).durationMillis), after.duration());
    assertEquals(1L, after.outputs().get("trips").rows());
  }

  @Test
  void theJsonIsTheRecordFilesJsonAtTheMomentOfTheSnapshot(@TempDir Path home) {
    RunRecord live = new RunRecord("run-2", "generate-trips", "local", "local")
        .outputCommitted("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 1500L, true))
        .platformNote("pid", "42");
    RunRecordView view = live.view();
    String fileJson = RunRecordJson.write(live);

    assertEquals(fileJson, view.toJson());
    RunRecord read = RunRecordJson.read(view.toJson());
    assertEquals(1500L, read.outputs.get("trips").rows);
    assertEquals("42", read.platform.get("pid"), "platform ids a later process needs are in the JSON");
  }
}
