package io.sparkstep.spi.record;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The current record of one run, held by whoever changes it (a run handle, the runner in the driver). A record is a
 * value; this holder moves from one value to the next by applying an event ({@code record -> record.started(...)})
 * with one compare-and-set, applying it again to the newer record should another thread have moved it meanwhile, so
 * no change is lost and nobody reads a half-changed record.
 */
public final class CurrentRecord {
  private final AtomicReference<RunRecord> record;

  public CurrentRecord(RunRecord initial) {
    this.record = new AtomicReference<>(initial);
  }

  /** The record as it is now. */
  public RunRecord get() {
    return record.get();
  }

  /** Applies one event and returns the record it made. The event may run more than once: it must only compute. */
  public RunRecord update(UnaryOperator<RunRecord> event) {
    return record.updateAndGet(event);
  }
}
