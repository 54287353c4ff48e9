package io.sparkstep.flavor.sparksubmit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * Follows a standalone cluster-mode driver through the master: its id from spark-submit's output in the run log, its
 * state from the master, its output from its worker ({@link DriverLogPump}). Cancel asks the master to kill it, or
 * stops spark-submit while no driver id is known yet (one that shows up later is killed when observed).
 */
final class StandaloneDriverTracker implements DriverTracker {
  private static final Pattern SUBMITTED_DRIVER = Pattern.compile("submitted as (driver-[0-9]+-[0-9]+)");

  private final SparkSubmitRun run;
  private final SparkSubmitLaunch launch;
  private final SparkAppHandle handle;
  private final DriverLogPump logPump;

  StandaloneDriverTracker(SparkSubmitRun run, SparkSubmitLaunch launch, SparkAppHandle handle) {
    this.run = run;
    this.launch = launch;
    this.handle = handle;
    this.logPump = new DriverLogPump(run);
  }

  @Override
  public void observe() {
    String driverId = run.attempt().driverId();
    if (driverId == null) {
      driverId = findDriverIdInLog();
      if (driverId == null) {
        boolean submitting = handle != null ? !handle.getState().isFinal()
            : SparkSubmitRun.alive(run.attempt().submitPid());
        if (!submitting) {
          run.attempts().end(RunState.FAILED, "spark-submit did not get a driver submitted to "
              + launch.settings().master() + " (launcher state " + (handle == null ? "unknown" : handle.getState())
              + "); see " + run.context().logFile(), true);
        }
        return;
      }
      String found = driverId;
      run.updateAttempt(attempt -> attempt.driver(found));
      run.save();
      if (run.cancelRequested()) {
        killDriver(driverId);
      }
    }
    StandaloneMaster master = launch.master();
    JsonNode driver;
    try {
      driver = master.driver(driverId).orElse(null);
    } catch (IOException e) {
      run.observed(RunState.UNKNOWN);
      return;
    }
    if (driver == null) {
      return;
    }
    String state = driver.path("state").asText();
    String worker = driver.path("worker").asText(null);
    if (worker != null && !worker.isEmpty()) {
      String on = worker;
      run.updateAttempt(attempt -> attempt.onWorker(on));
      logPump.pump(master, worker, driverId);
    }
    RunRecord record = run.driverRecord();
    if (record != null) {
      run.merge(record);
    }
    RunState mapped = SparkStates.ofDriver(state);
    if (mapped == RunState.RUNNING || mapped == RunState.UNKNOWN) {
      run.observed(mapped);
      return;
    }
    if (!mapped.isFinal()) {
      return;
    }
    if (record != null && record.state.isFinal()) {
      run.attempts().endWith(record);
      return;
    }
    if (mapped == RunState.CANCELLED || run.cancelRequested()) {
      run.attempts().end(RunState.CANCELLED, "cancelled", false);
      return;
    }
    run.attempts().endWithout(record, "driver " + driverId + " ended " + state + " on " + worker
        + " without a final record; see " + run.context().logFile());
  }

  /** spark-submit prints the id the master gave the driver; only this attempt's part of the log is searched. */
  private String findDriverIdInLog() {
    long from = run.attempt().logOffset();
    try {
      byte[] bytes = Files.readAllBytes(run.context().logFile());
      if (bytes.length <= from) {
        return null;
      }
      Matcher m = SUBMITTED_DRIVER.matcher(new String(bytes, (int) from, bytes.length - (int) from,
          StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void cancel() {
    String driverId = run.attempt().driverId();
    if (driverId != null) {
      killDriver(driverId);
    } else if (handle != null) {
      // still submitting: stop spark-submit; a driver id that shows up later is killed by observe
      handle.kill();
    }
  }

  private void killDriver(String driverId) {
    try {
      launch.master().killDriver(driverId);
      run.log("sparkstep: asked the master to kill " + driverId);
    } catch (IOException e) {
      run.log("sparkstep: could not ask the master to kill " + driverId + ": " + e.getMessage());
    }
  }
}
