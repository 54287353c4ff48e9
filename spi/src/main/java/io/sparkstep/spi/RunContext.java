package io.sparkstep.spi;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.CurrentRecord;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What the engine hands a flavor for one run: the current record, the store that persists it, and the local log file
 * that {@code logs --follow} reads. The record is a value changed by events ({@link RunRecord#moved},
 * {@link RunRecord#platformHandle}...): this context holds the current one and moves it by {@link #update}, so
 * threads that change one run (a refresh, a cancel, the runner) never lose each other's changes.
 */
public final class RunContext {
  private final CurrentRecord record;
  private final RunStore store;
  private final OperatorConfig operator;

  public RunContext(RunRecord record, RunStore store, OperatorConfig operator) {
    this.record = new CurrentRecord(record);
    this.store = store;
    this.operator = operator;
  }

  /** The run's record as it is now. */
  public RunRecord record() {
    return record.get();
  }

  /** Applies one event to the current record (again, if another thread changed it meanwhile); returns the new one. */
  public RunRecord update(UnaryOperator<RunRecord> event) {
    return record.update(event);
  }

  /** The holder of the current record, for a runner that changes it from its own thread. */
  public CurrentRecord current() {
    return record;
  }

  public RunStore store() {
    return store;
  }

  public OperatorConfig operator() {
    return operator;
  }

  public Path logFile() {
    return store.logFile(record().runId);
  }

  public Path runDir() {
    return store.runDir(record().runId);
  }

  /** Persists the current record (the store is the only writer of record files). */
  public void save() {
    store.save(record());
  }

  /** Applies one event and persists the result. */
  public RunRecord updateAndSave(UnaryOperator<RunRecord> event) {
    RunRecord updated = update(event);
    save(); // the newest record, should another thread have changed it since
    return updated;
  }

  /**
   * Ends the run here, before anything runs: records it FAILED with the cause (so no SUBMITTED record is left
   * behind) and returns the error for the flavor to throw.
   */
  public <E extends Exception> E failed(E error) {
    updateAndSave(r -> r.failed(RunRecord.ErrorInfo.of(error)).moved(RunState.FAILED));
    return error;
  }
}
