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
  static void record(StepSpec spec, RunRecord record) {
    synchronized (record) {
      for (Map.Entry<String, ArtifactSpec> input : spec.inputs.entrySet()) {
        ArtifactSpec artifact = input.getValue();
        RunRecord.InputInfo info = record.inputs.computeIfAbsent(input.getKey(), name -> new RunRecord.InputInfo());
        if (info.uri == null) {
          info.uri = artifact.uri;
        }
        if (info.format == null) {
          info.format = artifact.formatOrDefault().sparkName();
        }
      }
    }
  }

  /** A committed output nobody gave a snapshot is this run's commit: the run id names that exact data. */
  static void stampCommits(RunRecord record) {
    synchronized (record) {
      record.outputs.values().stream().filter(output -> output.committed && output.snapshot == null)
          .forEach(output -> output.snapshot = new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, record.runId));
    }
  }
}
