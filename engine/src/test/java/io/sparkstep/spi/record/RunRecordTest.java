package io.sparkstep.spi.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.sparkstep.api.RunState;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The record's own moves and copies. */
class RunRecordTest {

  /** A record with every field set, so a copy that leaves one out shows. */
  private static RunRecord everyFieldSet() {
    RunRecord record = new RunRecord("full", "train", "op", "kubernetes");
    record.outputs.put("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 3L, true));
    record.models.put("model", new RunRecord.ModelInfo("file:/out/model", "M", "4.1.1", 10L, true));
    record.metrics.put("rmse", 0.5);
    record.sparkAppId = "app-1";
    record.sparkUiUrl = "http://driver:4040";
    record.sparkMaster = "k8s://api";
    record.error = RunRecord.ErrorInfo.of("Boom", "it broke");
    record.attempts.add(new RunRecord.Attempt(1));
    record.accelerator = new RunRecord.AcceleratorInfo();
    record.accelerator.name = "comet";
    record.platform.put("driverPod", "pod-1");
    record.pipelineRun = "20261207-120000-abcdef";
    record.pipelineStep = "train";
    record.inputs.put("features", new RunRecord.InputInfo("file:/in/features", "parquet",
        new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12")));
    record.cachedFrom = "20261207-110000-fedcba";
    record.cache = new RunRecord.CacheInfo("hit", "k1", "same key");
    record.logUri = "file:/runs/full/driver.log";
    record.host = "node-1";
    record.startedAt = Instant.parse("2026-01-01T00:00:00Z");
    record.endedAt = Instant.parse("2026-01-01T00:01:00Z");
    record.transition(RunState.FAILED);
    return record;
  }

  @Test
  void copyFromTakesEveryFieldAndSharesNothing() throws Exception {
    RunRecord stored = everyFieldSet();
    for (Field field : RunRecord.class.getFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        assertNotNull(field.get(stored), "the test sets " + field.getName());
      }
    }
    RunRecord handle = new RunRecord("full", "train", "op", "kubernetes");

    handle.copyFrom(stored);

    assertEquals(RunRecordJson.write(stored), RunRecordJson.write(handle));
    assertNotSame(stored.platform, handle.platform);
    handle.platform.put("cleanedUpAt", "now");
    assertFalse(stored.platform.containsKey("cleanedUpAt"), "the copy changes apart from the stored record");
  }

  @Test
  void aFinalRecordIsNotMovedAgainAndKeepsItsTimes() {
    RunRecord record = everyFieldSet();
    Instant ended = record.endedAt;

    assertFalse(record.transition(RunState.SUCCEEDED));
    assertFalse(record.transition(RunState.RUNNING));

    assertEquals(RunState.FAILED, record.state);
    assertEquals(ended, record.endedAt);
    assertEquals(60_000L, record.durationMillis);
  }

  @Test
  void theDriversInputSnapshotsWinAndInputsItDidNotRecordStay() {
    RunRecord launcher = new RunRecord("r", "copy", "op", "spark-submit");
    launcher.inputs.put("table", new RunRecord.InputInfo("file:/t", "delta",
        new DataSnapshot(DataSnapshot.DELTA_VERSION, "3")));
    launcher.inputs.put("files", new RunRecord.InputInfo("file:/f", "parquet",
        new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12")));
    RunRecord driver = new RunRecord("r", "copy", null, null);
    driver.inputs.put("table", new RunRecord.InputInfo("file:/t", "delta",
        new DataSnapshot(DataSnapshot.DELTA_VERSION, "4")));

    launcher.mergeDriverRecord(driver);

    assertEquals(new DataSnapshot(DataSnapshot.DELTA_VERSION, "4"), launcher.inputs.get("table").snapshot);
    assertEquals(new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12"), launcher.inputs.get("files").snapshot);
  }
}
