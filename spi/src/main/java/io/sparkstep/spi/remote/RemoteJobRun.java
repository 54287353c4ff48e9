package io.sparkstep.spi.remote;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.util.Redactor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle of a run that is one job on a platform (a SageMaker training job, a Vertex CustomJob, an Azure ML
 * command job). The loop is written once here; a flavor supplies only its client calls:
 * {@link #describeJob()} (one question, mapped with the flavor's state table), {@link #containerLog()},
 * {@link #readDriverRecord()} and {@link #stopJob()}.
 *
 * <p>Each observation (rate-limited by the base class, whoever asks) copies the container's new log lines through
 * the {@link RunLogAppender} and takes the start time from the platform; the observation that finds the job final
 * ends the run through {@link EndOfRun}, the end-of-run pipeline kubernetes uses too. A platform that cannot be
 * asked makes the state UNKNOWN with the reason.
 */
public abstract class RemoteJobRun extends AbstractStepRun {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteJobRun.class);
  /** Record key: the platform's own job state as last observed, so each change is noted in the log once. */
  static final String PLATFORM_STATE = "platformState";
  /** Platform key: when a cancel was asked of the platform. */
  static final String CANCEL_REQUESTED_AT = "cancelRequestedAt";

  private final RunLogAppender log;

  protected RemoteJobRun(RunContext context, Duration pollInterval) {
    super(context, pollInterval);
    this.log = RunLogAppender.of(context);
  }

  /** One observation of the job, in the engine's terms. */
  public record JobStatus(RunState state, String platformState, Instant startedAt, Instant endedAt,
      String failureReason) {
  }

  /** Asks the platform once for the job; throws when it cannot be reached or refuses. */
  protected abstract JobStatus describeJob() throws Exception;

  /** The container's log on the platform, or null when the flavor does not copy it. */
  protected RunLogAppender.LogSource containerLog() {
    return null;
  }

  /** The record the entrypoint wrote in the run directory (its record.json), when there is one. */
  protected abstract Optional<String> readDriverRecord() throws Exception;

  /** Asks the platform to stop the job. */
  protected abstract void stopJob() throws Exception;

  /** A short name of the platform for log lines and error types ("sagemaker", "vertex", "azureml"). */
  protected abstract String platformName();

  /** Releases clients once the run is final; the next question on this handle opens them again. */
  protected void close() {
  }

  /** Describes a failure of a client call in one line. */
  protected String describe(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  @Override
  protected final synchronized void refresh() {
    if (isDone()) {
      return;
    }
    JobStatus status;
    try {
      status = describeJob();
    } catch (Exception e) {
      unreachable("cannot read the " + platformName() + " job: " + describe(e));
      return;
    }
    String previous = context.record().platform.get(PLATFORM_STATE);
    context.update(record -> {
      RunRecord noted = record.platformNote(PLATFORM_STATE, status.platformState());
      return status.startedAt() == null ? noted : noted.startedAt(status.startedAt());
    });
    if (status.platformState() != null && !status.platformState().equals(previous)) {
      note("job state " + status.platformState());
      saveRecord();
    }
    if (status.state().isFinal()) {
      EndOfRun.observe(context, status, new EndOfRun.FailureNames("failureReason", platformName() + "JobFailed",
          platformName()), endOfJob(), this::moveTo);
      return;
    }
    if (status.state() != RunState.SUBMITTED) {
      copyContainerLog();
    }
    moveTo(status.state());
  }

  /** The job's side of its end: the last lines of its container log, the driver's record, the clients closed. */
  private EndOfRun.Platform endOfJob() {
    return new EndOfRun.Platform() {
      @Override
      public void copyRestOfLog() {
        copyContainerLog();
      }

      @Override
      public Optional<RunRecord> driverRecord() {
        try {
          return readDriverRecord().map(RunRecordJson::read);
        } catch (Exception e) {
          note("cannot read the step's record: " + describe(e));
          return Optional.empty();
        }
      }

      @Override
      public void release() {
        close();
      }
    };
  }

  @Override
  protected final void requestCancel() {
    try {
      stopJob();
    } catch (Exception e) {
      throw new IllegalStateException(platformName() + " refused to stop the job: " + describe(e), e);
    }
    context.update(record -> record.platformNote(CANCEL_REQUESTED_AT, Instant.now().toString()));
    saveRecord();
    note("cancel requested");
  }

  private void copyContainerLog() {
    RunLogAppender.LogSource source = containerLog();
    if (source == null) {
      return;
    }
    try {
      log.copy(source);
    } catch (RunLogAppender.LogCopyException e) {
      // a log that cannot be read never fails the run; the record says where the full log is
      LOG.debug("cannot copy the container log of {}: {}", id(), e.getMessage());
    }
  }

  /** A line of the engine's own in the run's log (scrubbed like the rest). */
  protected final void note(String line) {
    try {
      log.note(Instant.now() + " " + platformName() + ": " + line);
    } catch (RunLogAppender.LogCopyException e) {
      LOG.debug("cannot write the log of {}: {}", id(), e.getMessage());
    }
  }
}
