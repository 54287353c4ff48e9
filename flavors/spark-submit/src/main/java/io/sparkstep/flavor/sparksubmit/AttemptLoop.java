package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.RunScheduler;
import io.sparkstep.spi.remote.SpecStaging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * The attempts of one run: launches each through spark-submit, ends it, and, while a submission that never got a
 * driver running has attempts left, submits again after a backoff scheduled on the {@link RunScheduler}. The last
 * attempt's end is the run's: a cancel after maxRuntimeSeconds is a failure saying so.
 */
final class AttemptLoop {
  private final SparkSubmitRun run;
  private final SparkSubmitLaunch launch;
  private volatile boolean relaunching;

  AttemptLoop(SparkSubmitRun run, SparkSubmitLaunch launch) {
    this.run = run;
    this.launch = launch;
  }

  /** Between a failed submission and the next one: there is no driver to follow or cancel. */
  boolean relaunching() {
    return relaunching;
  }

  int current() {
    return run.attempt().number();
  }

  /**
   * Launches attempt {@code number} under the run's lock, which its refresh takes too: a launcher callback must not
   * judge an attempt whose pid is not recorded yet.
   */
  void launch(int number) {
    synchronized (run) {
      Path attemptDir = run.context().runDir().resolve("driver").resolve("attempt-" + number);
      long logOffset = run.logSize();
      run.update(record -> record.attemptStarted(number).sentTo(launch.settings().master()));
      run.updateAttempt(previous -> previous.next(number, launch.settings().deployMode(),
          attemptDir.toUri().toString(), logOffset));
      run.trackAttempt(null);
      run.log("sparkstep: attempt " + number + ": spark-submit --master " + launch.settings().master()
          + " --deploy-mode " + launch.settings().deployMode() + " --class io.sparkstep.runtime.StepEntrypoint "
          + launch.applicationJar().getFileName());
      try {
        Files.createDirectories(attemptDir);
        SparkSubmitLaunch.Started started = launch.start(attemptDir, run.context().logFile(),
            new SparkAppHandle.Listener() {
              @Override
              public void stateChanged(SparkAppHandle h) {
                run.refreshNow();
              }

              @Override
              public void infoChanged(SparkAppHandle h) {
                run.refreshNow();
              }
            });
        run.trackAttempt(started.handle());
        if (started.stagedSpec() != null) {
          run.updateAttempt(attempt -> attempt.stagedAt(started.stagedSpec()));
        }
        Optional<ProcessHandle> submit = started.process() != null ? Optional.of(started.process().toHandle())
            : launch.driverProcess(run.id());
        submit.ifPresent(p -> {
          // the driver itself in client mode; on YARN cluster mode the spark-submit that monitors the application
          Long driver = run.followsStandaloneMaster() ? null : p.pid();
          run.updateAttempt(attempt -> attempt.processes(p.pid(), driver));
          // judged the moment spark-submit exits, not at the next poll
          p.onExit().thenRun(run::refreshNow);
        });
      } catch (IOException | RuntimeException e) {
        run.log("sparkstep: attempt " + number + " could not start spark-submit: " + e);
        end(RunState.FAILED, "could not start spark-submit: " + e.getMessage(), true);
        return;
      }
      run.save();
    }
  }

  /** Ends the attempt with the final record its entrypoint wrote. */
  void endWith(RunRecord driver) {
    run.merge(driver);
    RunState state = driver.state;
    String error = driver.error == null ? null : driver.error.message;
    // A driver that failed before its step started (Spark could not start) is a failed submission.
    boolean neverStarted = state == RunState.FAILED && (driver.attempts == null || driver.attempts.isEmpty());
    end(state, error, neverStarted);
  }

  /** Ends the attempt whose driver is gone without a final record ({@code driver}: its last record, or null). */
  void endWithout(RunRecord driver, String cause) {
    if (run.cancelRequested()) {
      end(RunState.CANCELLED, "cancelled", false);
      return;
    }
    end(RunState.FAILED, cause, driver == null);
  }

  /** Ends the current attempt; a failed submission is tried again while attempts are left. */
  void end(RunState state, String error, boolean submissionFailure) {
    int number = current();
    deleteStagedSpec();
    RunState ended = state;
    String endedError = error;
    run.update(record -> record.attemptEnded(number, ended, endedError));
    int max = launch.settings().submitAttempts();
    if (state == RunState.FAILED && submissionFailure && !run.cancelRequested() && run.owner() && number < max) {
      long wait = launch.settings().backoffMillis() * number;
      run.log("sparkstep: attempt " + number + " of " + max + " failed before the step started (" + error
          + "); submitting again in " + wait + " ms");
      run.save();
      relaunching = true;
      RunScheduler.shared().after(Duration.ofMillis(wait), () -> submitAgain(number + 1));
      return;
    }
    if (run.timedOut() && state == RunState.CANCELLED) {
      state = RunState.FAILED;
      error = "the run exceeded resources.maxRuntimeSeconds=" + launch.spec().resources.maxRuntimeSeconds
          + " and its driver was stopped";
    }
    if (state == RunState.FAILED) {
      RunRecord.ErrorInfo failure = RunRecord.ErrorInfo.of("SparkSubmitFailure",
          error == null ? "the step failed" : error);
      boolean timedOut = run.timedOut();
      run.update(record -> record.error == null || timedOut ? record.failed(failure) : record);
    }
    if (state == RunState.SUCCEEDED) {
      run.update(record -> record.failed(null));
    }
    run.observed(state);
  }

  /**
   * The attempt's driver has ended, so no one reads its staged spec again (a next attempt stages its own). A copy
   * that cannot be deleted stays, named in the run's log: the run's end does not depend on the staging store.
   */
  private void deleteStagedSpec() {
    // kept in the record as the attempt's; deleting a copy already gone is no error
    String uri = run.attempt().stagedSpec();
    if (uri == null) {
      return;
    }
    try {
      SpecStaging.delete(uri, launch.stagingConf());
    } catch (IOException | RuntimeException e) {
      run.log("sparkstep: cannot delete the staged spec " + uri + ": " + e);
    }
  }

  private void submitAgain(int number) {
    synchronized (run) {
      relaunching = false;
      if (run.cancelRequested()) {
        end(RunState.CANCELLED, "cancelled before attempt " + number, false);
        return;
      }
      // the ended attempt's application and end are not the run's
      run.update(record -> record.sparkApp(null).endedAt(null));
      launch(number);
    }
  }
}
