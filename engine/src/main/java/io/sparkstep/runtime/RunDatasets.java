package io.sparkstep.runtime;

import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.util.Map;

/**
 * What the driver's record says of the data a run read and wrote, for lineage: each input's URI and format, and for
 * each committed output without a snapshot of its own (a table format sets its version) this run's commit.
 */
final class RunDatasets {
  private RunDatasets() {
  }

  /**
   * Every input of the spec joins the record with its URI and format before the step runs, so a failed run's
   * lineage names what it read too. A snapshot someone set before (the step cache, a table format) is kept.
   */
  static RunRecord inputsRecorded(StepSpec spec, RunRecord record) {
    RunRecord result = record;
    for (Map.Entry<String, ArtifactSpec> input : spec.inputs.entrySet()) {
      ArtifactSpec artifact = input.getValue();
      RunRecord.InputInfo known = record.inputs.get(input.getKey());
      String uri = known != null && known.uri != null ? known.uri : artifact.uri;
      String format = known != null && known.format != null ? known.format : artifact.formatOrDefault().sparkName();
      result = result.inputRead(input.getKey(), new RunRecord.InputInfo(uri, format, known == null ? null : known.snapshot));
    }
    return result;
  }

  /** A committed output nobody gave a snapshot is this run's commit: the run id names that exact data. */
  static RunRecord commitsStamped(RunRecord record) {
    RunRecord result = record;
    for (Map.Entry<String, RunRecord.OutputInfo> entry : record.outputs.entrySet()) {
      RunRecord.OutputInfo output = entry.getValue();
      if (output.committed && output.snapshot == null) {
        result = result.outputCommitted(entry.getKey(),
            output.withSnapshot(new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, record.runId)));
      }
    }
    return result;
  }
}
