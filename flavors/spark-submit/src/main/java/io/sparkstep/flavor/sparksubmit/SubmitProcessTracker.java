package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * Follows a driver that spark-submit's own process stands for: the driver itself in client mode, on YARN in cluster
 * mode the spark-submit that monitors the application. Its state comes from the entrypoint's record, whether that
 * process lives, and the launcher handle (only in the process that launched it). Cancel in client mode is SIGTERM,
 * then SIGKILL after a grace ({@link ProcessReaper}); on YARN the launcher's stop request.
 */
final class SubmitProcessTracker implements DriverTracker {
  private final SparkSubmitRun run;
  private final SparkAppHandle handle;
  private Instant driverFinalSeenAt;

  SubmitProcessTracker(SparkSubmitRun run, SparkAppHandle handle) {
    this.run = run;
    this.handle = handle;
  }

  @Override
  public void observe() {
    RunRecord driver = run.driverRecord();
    if (driver != null) {
      run.merge(driver);
    }
    if (handle != null && handle.getAppId() != null && run.rec().sparkAppId == null) {
      String appId = handle.getAppId();
      run.update(record -> record.sparkAppId == null ? record.sparkApp(appId) : record);
      run.save();
    }
    boolean alive = driverAlive();
    if (alive && (driver != null && driver.state == RunState.RUNNING
        || handle != null && SparkStates.ofClient(handle.getState()) == RunState.RUNNING)) {
      run.observed(RunState.RUNNING);
    }
    if (alive) {
      if (driver != null && driver.state.isFinal()) {
        // The record is final and the outputs are committed; Spark is stopping. Wait for the process, a while.
        if (driverFinalSeenAt == null) {
          driverFinalSeenAt = Instant.now();
        } else if (Duration.between(driverFinalSeenAt, Instant.now()).compareTo(SparkSubmitRun.CANCEL_GRACE) > 0) {
          run.attempts().endWith(driver);
        }
      }
      return;
    }
    if (driver != null && driver.state.isFinal()) {
      run.attempts().endWith(driver);
      return;
    }
    String launcherState = handle == null ? "unknown (attached)" : handle.getState().toString();
    run.attempts().endWithout(driver, "the driver process ended without a final record (launcher state "
        + launcherState + "); see " + run.context().logFile());
  }

  private boolean driverAlive() {
    Long pid = run.attempt().driverPid();
    if (pid != null) {
      return SparkSubmitRun.alive(pid);
    }
    return handle != null && !handle.getState().isFinal();
  }

  @Override
  public void cancel() {
    if (run.clusterMode()) {
      // YARN cluster mode: spark-submit stays to monitor the application; the launcher's stop request kills it.
      if (handle != null) {
        handle.kill();
      }
      return;
    }
    Long pid = run.attempt().driverPid();
    Optional<ProcessHandle> driver = pid == null ? Optional.empty() : ProcessHandle.of(pid);
    if (driver.isPresent()) {
      // SIGTERM first: the entrypoint cancels its jobs, aborts its outputs and records CANCELLED.
      ProcessReaper.stop(driver.get(), SparkSubmitRun.CANCEL_GRACE);
    } else if (handle != null) {
      handle.kill();
    }
  }
}
