package io.sparkstep.spi;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.nio.file.Path;

/**
 * What the engine hands a flavor for one run: the record to keep current, the store that persists it, and the local
 * log file that {@code logs --follow} reads.
 */
public record RunContext(RunRecord record, RunStore store, OperatorConfig operator) {

  public Path logFile() {
    return store.logFile(record.runId);
  }

  public Path runDir() {
    return store.runDir(record.runId);
  }

  public void save() {
    store.save(record);
  }

  /**
   * Ends the run here, before anything runs: records it FAILED with the cause (so no SUBMITTED record is left
   * behind) and returns the error for the flavor to throw.
   */
  public <E extends Exception> E failed(E error) {
    record.error = RunRecord.ErrorInfo.of(error);
    record.transition(RunState.FAILED);
    save();
    return error;
  }
}
