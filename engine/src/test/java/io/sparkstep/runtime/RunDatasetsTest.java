package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import org.junit.jupiter.api.Test;

/**
 * The driver records every input's URI and format, keeping a snapshot taken before; a committed output without a
 * snapshot gets this run's commit; the launcher's record takes the driver's inputs and keeps its own snapshot where the
 * driver has none.
 */
class RunDatasetsTest {
  private static final DataSnapshot DIGEST = new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12");
  private static final DataSnapshot DELTA = new DataSnapshot(DataSnapshot.DELTA_VERSION, "3");

  @Test
  void inputsGetUriAndFormatAndKeepTheirSnapshot() {
    StepSpec spec = new StepSpec();
    spec.runId = "run-1";
    spec.inputs.put("trips", ArtifactSpec.ofUri("file:/data/trips"));
    spec.inputs.put("zones", ArtifactSpec.ofUri("file:/data/zones"));
    RunRecord record = new RunRecord("run-1", "s", "local", "local")
        .inputRead("zones", new RunRecord.InputInfo(null, null, DIGEST));
    record = RunDatasets.inputsRecorded(spec, record);
    assertEquals("file:/data/trips", record.inputs.get("trips").uri);
    assertEquals("parquet", record.inputs.get("trips").format);
    assertEquals("file:/data/zones", record.inputs.get("zones").uri);
    assertEquals(DIGEST, record.inputs.get("zones").snapshot);
  }

  @Test
  void onlyCommittedOutputsWithoutASnapshotGetTheRunsCommit() {
    RunRecord record = new RunRecord("run-1", "s", "local", "local")
        .outputCommitted("plain", new RunRecord.OutputInfo("file:/o/plain", "parquet", 1L, true))
        .outputCommitted("table", new RunRecord.OutputInfo("file:/o/table", "delta", 1L, true, DELTA))
        .outputCommitted("staged", new RunRecord.OutputInfo("file:/o/staged", "parquet", null, false));
    record = RunDatasets.commitsStamped(record);
    assertEquals(new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, "run-1"), record.outputs.get("plain").snapshot);
    assertEquals(DELTA, record.outputs.get("table").snapshot);
    assertEquals(null, record.outputs.get("staged").snapshot);
  }

  @Test
  void theLauncherTakesTheDriversInputsAndKeepsItsSnapshotWhereTheDriverHasNone() {
    RunRecord launcher = new RunRecord("run-1", "s", "k8s", "kubernetes")
        .inputRead("trips", new RunRecord.InputInfo("file:/data/trips", null, DIGEST))
        .inputRead("zones", new RunRecord.InputInfo("file:/data/zones", null, DIGEST));
    RunRecord driver = new RunRecord("run-1", "s", "k8s", "kubernetes")
        .inputRead("trips", new RunRecord.InputInfo("file:/data/trips", "parquet", null))
        .inputRead("zones", new RunRecord.InputInfo("file:/data/zones", "delta", DELTA));
    launcher = launcher.driverRecordMerged(driver);
    assertEquals("parquet", launcher.inputs.get("trips").format);
    assertEquals(DIGEST, launcher.inputs.get("trips").snapshot);
    assertEquals(DELTA, launcher.inputs.get("zones").snapshot);
  }
}
