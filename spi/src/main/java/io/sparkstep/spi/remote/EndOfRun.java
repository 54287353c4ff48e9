package io.sparkstep.spi.remote;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.util.Redactor;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What whoever observes a run's end on a platform does, in one order for every flavor (a job of sagemaker, vertex
 * or azureml through {@link RemoteJobRun}, a driver pod of kubernetes): save the last log lines, merge the driver's
 * own record, take the platform's times and failure reason, store the final state (so a log follower has every line
 * when the run ends), then release what the run holds (clients, and what the run created where the platform does
 * not remove it). A flavor contributes the {@link Platform} calls and the {@link FailureNames} of its records.
 */
public final class EndOfRun {
  private EndOfRun() {
  }

  /** The platform's side of the end: each call may do nothing where the platform has nothing of it. */
  public interface Platform {
    /** Copies the log lines the run wrote since the last copy: its last ones. */
    void copyRestOfLog();

    /** The record the entrypoint wrote, where it can be read. */
    Optional<RunRecord> driverRecord();

    /** Releases clients and removes what the run left behind once that is due. */
    void release();
  }

  /**
   * How a platform's failure shows in the record: the platform key that keeps its reason (existing records and
   * scripts read {@code failureReason} on the job flavors, {@code podFailure} on kubernetes), the error type when the
   * step left no error of its own, and the platform's short name that prefixes its reason next to the step's error.
   */
  public record FailureNames(String reasonKey, String errorType, String platformName) {
  }

  /**
   * Ends the run with what the platform observed; {@code moveTo} is the handle's own state move.
   *
   * @return whether the move changed the handle's state
   */
  public static boolean observe(RunContext context, RemoteJobRun.JobStatus observed, FailureNames names,
      Platform platform, Predicate<RunState> moveTo) {
    platform.copyRestOfLog();
    Optional<RunRecord> driver = platform.driverRecord();
    context.update(current -> {
      RunRecord record = driver.map(current::driverRecordMerged).orElse(current);
      if (record.startedAt == null && observed.startedAt() != null) {
        record = record.startedAt(observed.startedAt());
      }
      if (observed.endedAt() != null) {
        // the platform's own end (the driver's JVM stopping included) over the driver's record of its step's end
        record = record.endedAt(observed.endedAt());
      }
      return observed.state() == RunState.FAILED ? withFailure(record, observed, names) : record;
    });
    boolean moved = moveTo.test(observed.state());
    platform.release();
    return moved;
  }

  private static RunRecord withFailure(RunRecord record, RemoteJobRun.JobStatus observed, FailureNames names) {
    String reason = observed.failureReason();
    if (reason != null) {
      // what the platform said, whatever the step's own error says
      record = record.platformNote(names.reasonKey(), Redactor.scrub(reason));
    }
    if (record.error == null) {
      String message = reason != null ? reason : "the job ended " + observed.platformState();
      return record.failed(RunRecord.ErrorInfo.of(names.errorType(), message
          + (record.logUri == null ? "" : "; logs: " + record.logUri)));
    }
    if (reason != null && record.error.rootCause == null && !reason.equals(record.error.message)) {
      // the step's own cause leads; what the platform said stays next to it
      return record.failed(record.error.withRootCause(Redactor.scrub(names.platformName() + ": " + reason)));
    }
    return record;
  }
}
