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
    String n = run.platform("attempt");
    return n == null ? 1 : Integer.parseInt(n);
  }

  /**
   * Launches attempt {@code number} under the run's lock, which its refresh takes too: a launcher callback must not
   * judge an attempt whose pid is not recorded yet.
   */
  void launch(int number) {
    synchronized (run) {
      RunRecord record = run.rec();
      Path attemptDir = run.context().runDir().resolve("driver").resolve("attempt-" + number);
      long logOffset = run.logSize();
      synchronized (record) {
        record.attempts.add(new RunRecord.Attempt(number));
        record.platform.put("attempt", Integer.toString(number));
        record.platform.put("deployMode", launch.settings().deployMode());
        record.platform.put("driverRunDir", attemptDir.toUri().toString());
        record.platform.put("attemptLogOffset", Long.toString(logOffset));
        record.platform.remove("driverPid");
        record.platform.remove("submitPid");
        record.platform.remove("driverId");
        record.platform.remove(SpecStaging.RECORD_KEY);
        record.sparkMaster = launch.settings().master();
      }
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
          record.platform.put(SpecStaging.RECORD_KEY, started.stagedSpec());
        }
        Optional<ProcessHandle> submit = started.process() != null ? Optional.of(started.process().toHandle())
            : launch.driverProcess(record.runId);
        submit.ifPresent(p -> {
          // judged the moment spark-submit exits, not at the next poll
          p.onExit().thenRun(run::refreshNow);
          record.platform.put("submitPid", Long.toString(p.pid()));
          if (!run.followsStandaloneMaster()) {
            // the driver itself in client mode; on YARN cluster mode the spark-submit that monitors the application
            record.platform.put("driverPid", Long.toString(p.pid()));
          }
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
    RunRecord record = run.rec();
    deleteStagedSpec();
    synchronized (record) {
      RunRecord.Attempt attempt = record.attempts.isEmpty() ? null : record.attempts.get(record.attempts.size() - 1);
      if (attempt != null && attempt.number == number && attempt.state == null) {
        attempt.endedAt = Instant.now();
        attempt.state = state;
        attempt.error = error;
        attempt.sparkAppId = record.sparkAppId;
      }
    }
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
      synchronized (record) {
        if (record.error == null || run.timedOut()) {
          record.error = RunRecord.ErrorInfo.of("SparkSubmitFailure", error == null ? "the step failed" : error);
        }
      }
    }
    if (state == RunState.SUCCEEDED) {
      record.error = null;
    }
    run.observed(state);
  }

  /**
   * The attempt's driver has ended, so no one reads its staged spec again (a next attempt stages its own). A copy
   * that cannot be deleted stays, named in the run's log: the run's end does not depend on the staging store.
   */
  private void deleteStagedSpec() {
    // kept in the record as the attempt's; deleting a copy already gone is no error
    String uri = run.platform(SpecStaging.RECORD_KEY);
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
      run.rec().sparkAppId = null;
      run.rec().endedAt = null; // the ended attempt's end is not the run's
      launch(number);
    }
  }
}
