package io.sparkstep.flavor.sparksubmit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.api.RunState;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunRecordJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.SpecStaging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * The handle of one step run through spark-submit: launches attempts, follows the driver until it ends, streams the
 * driver's output into the run's log, cancels, and retries submissions that never got a driver running.
 *
 * <p>Client mode: the driver is the spark-submit child; its output goes straight into the run log; its pid is in the
 * record so any later process can cancel it (SIGTERM: the entrypoint aborts outputs and records CANCELLED).
 * Cluster mode: the driver runs on a worker; its id comes from spark-submit's output, its state from the master,
 * its output from its worker's log page, cancel through the master. In both modes the entrypoint's own record (in
 * {@code <run>/driver/attempt-N/}) has the outputs and the step's cause of failure; {@link SparkStates} maps the rest.
 */
final class SparkSubmitRun extends AbstractStepRun {
  private static final Pattern SUBMITTED_DRIVER = Pattern.compile("submitted as (driver-[0-9]+-[0-9]+)");
  private static final Duration CANCEL_GRACE = Duration.ofSeconds(20);

  private final SparkSubmitLaunch launch;
  private final boolean owner;
  private volatile SparkAppHandle handle;
  private volatile boolean cancelRequested;
  private volatile boolean relaunching;
  private volatile boolean timedOut;
  private Instant driverFinalSeenAt;

  private SparkSubmitRun(RunContext context, SparkSubmitLaunch launch, boolean owner) {
    super(context, Duration.ofMillis(500));
    this.launch = launch;
    this.owner = owner;
  }

  /** A new run: launches attempt 1 and follows it from a monitor thread of this process. */
  static SparkSubmitRun start(RunContext context, SparkSubmitLaunch launch) {
    SparkSubmitRun run = new SparkSubmitRun(context, launch, true);
    context.record().platform.put("submitterPid", Long.toString(ProcessHandle.current().pid()));
    run.launchAttempt(1);
    Thread monitor = new Thread(run::monitor, "sparkstep-spark-submit-" + context.record().runId);
    monitor.setDaemon(true);
    monitor.start();
    return run;
  }

  /** A run launched earlier, perhaps by another process. */
  static SparkSubmitRun attach(RunContext context, SparkSubmitLaunch launch) {
    return new SparkSubmitRun(context, launch, false);
  }

  private RunRecord rec() {
    return context.record();
  }

  private String platform(String key) {
    return rec().platform.get(key);
  }

  /** The run's own deploy mode, as recorded: the operator may have been re-registered since. */
  private boolean clusterMode() {
    String mode = platform("deployMode");
    return mode == null ? launch.settings().clusterMode() : "cluster".equals(mode);
  }

  /**
   * A standalone cluster-mode driver is followed through the master; everything else (client mode, YARN, where
   * spark-submit stays to monitor the application) through the launcher handle and the spark-submit process.
   */
  private boolean followsStandaloneMaster() {
    return clusterMode() && launch.settings().masterKind() == SparkSubmitSettings.MasterKind.STANDALONE;
  }

  private int attemptNumber() {
    String n = platform("attempt");
    return n == null ? 1 : Integer.parseInt(n);
  }

  /** Synchronized with {@link #refresh()}: a launcher callback must not judge an attempt whose pid is not recorded yet. */
  private synchronized void launchAttempt(int number) {
    RunRecord record = rec();
    Path attemptDir = context.runDir().resolve("driver").resolve("attempt-" + number);
    long logOffset = logSize();
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
    driverFinalSeenAt = null;
    appendLog("sparkstep: attempt " + number + ": spark-submit --master " + launch.settings().master()
        + " --deploy-mode " + launch.settings().deployMode() + " --class io.sparkstep.runtime.StepEntrypoint "
        + launch.applicationJar().getFileName());
    try {
      Files.createDirectories(attemptDir);
      SparkSubmitLaunch.Started started = launch.start(attemptDir, context.logFile(), new SparkAppHandle.Listener() {
        @Override
        public void stateChanged(SparkAppHandle h) {
          safeRefreshFromListener();
        }

        @Override
        public void infoChanged(SparkAppHandle h) {
          safeRefreshFromListener();
        }
      });
      handle = started.handle();
      if (started.stagedSpec() != null) {
        rec().platform.put(SpecStaging.RECORD_KEY, started.stagedSpec());
      }
      Optional<ProcessHandle> submit = started.process() != null ? Optional.of(started.process().toHandle())
          : launch.driverProcess(rec().runId);
      submit.ifPresent(p -> {
        // judged the moment spark-submit exits, not at the next poll
        p.onExit().thenRun(this::safeRefreshFromListener);
        rec().platform.put("submitPid", Long.toString(p.pid()));
        if (!followsStandaloneMaster()) {
          // the driver itself in client mode; on YARN cluster mode the spark-submit that monitors the application
          rec().platform.put("driverPid", Long.toString(p.pid()));
        }
      });
    } catch (IOException | RuntimeException e) {
      appendLog("sparkstep: attempt " + number + " could not start spark-submit: " + e);
      endAttempt(RunState.FAILED, "could not start spark-submit: " + e.getMessage(), true);
      return;
    }
    saveRecord();
  }

  private void monitor() {
    while (!isDone()) {
      try {
        refresh();
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        appendLog("sparkstep: monitor: " + e);
      }
    }
  }

  private void safeRefreshFromListener() {
    try {
      refresh();
    } catch (RuntimeException ignored) {
      // the monitor thread polls again shortly
    }
  }

  @Override
  protected synchronized void refresh() {
    if (isDone() || relaunching) {
      return;
    }
    enforceMaxRuntime();
    if (followsStandaloneMaster()) {
      refreshCluster();
    } else {
      refreshClient();
    }
  }

  private void refreshClient() {
    RunRecord driver = readDriverRecord();
    if (driver != null) {
      merge(driver);
    }
    SparkAppHandle h = handle;
    if (h != null && h.getAppId() != null && rec().sparkAppId == null) {
      rec().sparkAppId = h.getAppId();
      saveRecord();
    }
    boolean alive = driverAlive();
    if (alive && (driver != null && driver.state == RunState.RUNNING
        || h != null && SparkStates.ofClient(h.getState()) == RunState.RUNNING)) {
      moveTo(RunState.RUNNING);
    }
    if (alive) {
      if (driver != null && driver.state.isFinal()) {
        // The record is final and the outputs are committed; Spark is stopping. Wait for the process, a while.
        if (driverFinalSeenAt == null) {
          driverFinalSeenAt = Instant.now();
        } else if (Duration.between(driverFinalSeenAt, Instant.now()).compareTo(CANCEL_GRACE) > 0) {
          endWithDriverRecord(driver);
        }
      }
      return;
    }
    if (driver != null && driver.state.isFinal()) {
      endWithDriverRecord(driver);
      return;
    }
    String launcherState = h == null ? "unknown (attached)" : h.getState().toString();
    endWithoutRecord(driver, "the driver process ended without a final record (launcher state " + launcherState
        + "); see " + context.logFile());
  }

  private static boolean alive(String pid) {
    return pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }

  private boolean driverAlive() {
    String pid = platform("driverPid");
    if (pid != null) {
      return alive(pid);
    }
    SparkAppHandle h = handle;
    return h != null && !h.getState().isFinal();
  }

  private void refreshCluster() {
    String driverId = platform("driverId");
    SparkAppHandle h = handle;
    if (driverId == null) {
      driverId = findDriverIdInLog();
      if (driverId == null) {
        boolean submitting = h != null ? !h.getState().isFinal() : alive(platform("submitPid"));
        if (!submitting) {
          endAttempt(RunState.FAILED, "spark-submit did not get a driver submitted to " + launch.settings().master()
              + " (launcher state " + (h == null ? "unknown" : h.getState()) + "); see " + context.logFile(), true);
        }
        return;
      }
      rec().platform.put("driverId", driverId);
      saveRecord();
      if (cancelRequested) {
        killDriver(driverId);
      }
    }
    StandaloneMaster master = launch.master();
    JsonNode driver;
    try {
      driver = master.driver(driverId).orElse(null);
    } catch (IOException e) {
      moveTo(RunState.UNKNOWN);
      return;
    }
    if (driver == null) {
      return;
    }
    String state = driver.path("state").asText();
    String worker = driver.path("worker").asText(null);
    if (worker != null && !worker.isEmpty()) {
      rec().platform.put("driverWorker", worker);
      pumpDriverLog(master, worker, driverId);
    }
    RunRecord record = readDriverRecord();
    if (record != null) {
      merge(record);
    }
    RunState mapped = SparkStates.ofDriver(state);
    if (mapped == RunState.RUNNING || mapped == RunState.UNKNOWN) {
      moveTo(mapped);
      return;
    }
    if (!mapped.isFinal()) {
      return;
    }
    if (record != null && record.state.isFinal()) {
      endWithDriverRecord(record);
      return;
    }
    if (mapped == RunState.CANCELLED || cancelRequested) {
      endAttempt(RunState.CANCELLED, "cancelled", false);
      return;
    }
    endWithoutRecord(record, "driver " + driverId + " ended " + state + " on " + worker
        + " without a final record; see " + context.logFile());
  }

  private String findDriverIdInLog() {
    long from = Long.parseLong(rec().platform.getOrDefault("attemptLogOffset", "0"));
    try {
      byte[] bytes = Files.readAllBytes(context.logFile());
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

  /**
   * Copies the new part of the driver's stderr and stdout from its worker into the run log through the SPI's
   * appender: scrubbed of the run's secrets, its cursor (a byte offset per driver and stream) persisted next to the log and the
   * copy locked, so no line is copied twice whichever processes follow the run.
   */
  private void pumpDriverLog(StandaloneMaster master, String worker, String driverId) {
    try {
      Optional<String> workerUi = master.workerWebUi(worker);
      if (workerUi.isEmpty()) {
        return;
      }
      io.sparkstep.spi.remote.RunLogAppender.of(context).copy(cursor -> {
        for (String type : new String[] {"stderr", "stdout"}) {
          // per driver: a retried attempt's driver has a log of its own, read from its start
          String key = driverId + "." + type;
          long offset = Long.parseLong(cursor.getOrDefault(key, "0"));
          Optional<StandaloneMaster.LogChunk> chunk = master.driverLog(workerUi.get(), driverId, type, offset);
          if (chunk.isEmpty() || chunk.get().nextOffset() <= offset) {
            continue;
          }
          String text = chunk.get().text();
          // Whole lines only, so stdout and stderr lines never interleave mid-line.
          int lastNewline = text.lastIndexOf('\n');
          if (lastNewline < 0) {
            continue;
          }
          String whole = text.substring(0, lastNewline + 1);
          Map<String, String> next = new java.util.TreeMap<>(cursor);
          next.put(key, Long.toString(offset + whole.getBytes(StandardCharsets.UTF_8).length));
          return io.sparkstep.spi.remote.RunLogAppender.Page.of(whole.lines().toList(), next);
        }
        return io.sparkstep.spi.remote.RunLogAppender.Page.of(List.of(), cursor);
      });
    } catch (IOException | RuntimeException e) {
      // the worker may be gone (its log with it); state still comes from the master
    }
  }

  private void endWithDriverRecord(RunRecord driver) {
    merge(driver);
    RunState state = driver.state;
    String error = driver.error == null ? null : driver.error.message;
    // A driver that failed before its step started (Spark could not start) is a failed submission.
    boolean neverStarted = state == RunState.FAILED && (driver.attempts == null || driver.attempts.isEmpty());
    endAttempt(state, error, neverStarted);
  }

  private void endWithoutRecord(RunRecord driver, String cause) {
    if (cancelRequested) {
      endAttempt(RunState.CANCELLED, "cancelled", false);
      return;
    }
    boolean neverStarted = driver == null;
    endAttempt(RunState.FAILED, cause, neverStarted);
  }

  /** Ends the current attempt; a failed submission is tried again while attempts are left. */
  private void endAttempt(RunState state, String error, boolean submissionFailure) {
    int number = attemptNumber();
    RunRecord record = rec();
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
    int max = launch.settings().maxAttempts();
    if (state == RunState.FAILED && submissionFailure && !cancelRequested && owner && number < max) {
      long wait = launch.settings().backoffMillis() * number;
      appendLog("sparkstep: attempt " + number + " of " + max + " failed before the step started (" + error
          + "); submitting again in " + wait + " ms");
      saveRecord();
      relaunching = true;
      Thread retry = new Thread(() -> {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (SparkSubmitRun.this) {
          relaunching = false;
          if (cancelRequested) {
            endAttempt(RunState.CANCELLED, "cancelled before attempt " + (number + 1), false);
            return;
          }
          rec().sparkAppId = null;
          launchAttempt(number + 1);
        }
      }, "sparkstep-retry-" + record.runId);
      retry.setDaemon(true);
      retry.start();
      return;
    }
    if (timedOut && state == RunState.CANCELLED) {
      state = RunState.FAILED;
      error = "the run exceeded resources.maxRuntimeSeconds=" + launch.spec().resources.maxRuntimeSeconds
          + " and its driver was stopped";
    }
    if (state == RunState.FAILED) {
      synchronized (record) {
        if (record.error == null || timedOut) {
          record.error = RunRecord.ErrorInfo.of("SparkSubmitFailure", error == null ? "the step failed" : error);
        }
      }
    }
    if (state == RunState.SUCCEEDED) {
      record.error = null;
    }
    moveTo(state);
  }

  /**
   * The attempt's driver has ended, so no one reads its staged spec again (a next attempt stages its own). A copy
   * that cannot be deleted stays, named in the run's log: the run's end does not depend on the staging store.
   */
  private void deleteStagedSpec() {
    // kept in the record as the attempt's; deleting a copy already gone is no error
    String uri = rec().platform.get(SpecStaging.RECORD_KEY);
    if (uri == null) {
      return;
    }
    try {
      SpecStaging.delete(uri, launch.stagingConf());
    } catch (IOException | RuntimeException e) {
      appendLog("sparkstep: cannot delete the staged spec " + uri + ": " + e);
    }
  }

  private void enforceMaxRuntime() {
    long max = launch.spec().resources == null ? 0 : launch.spec().resources.maxRuntimeSeconds;
    Instant started = rec().startedAt != null ? rec().startedAt : rec().submittedAt;
    if (max > 0 && !timedOut && started != null
        && Duration.between(started, Instant.now()).getSeconds() > max) {
      timedOut = true;
      appendLog("sparkstep: maxRuntimeSeconds=" + max + " exceeded; stopping the driver");
      requestCancel();
    }
  }

  @Override
  protected void requestCancel() {
    cancelRequested = true;
    if (relaunching) {
      return;
    }
    if (clusterMode() && !followsStandaloneMaster()) {
      // YARN cluster mode: spark-submit stays to monitor the application; the launcher's stop request kills it.
      if (handle != null) {
        handle.kill();
      }
      return;
    }
    if (clusterMode()) {
      String driverId = platform("driverId");
      if (driverId != null) {
        killDriver(driverId);
      } else if (handle != null) {
        // still submitting: stop spark-submit; a driver id that shows up later is killed by refresh
        handle.kill();
      }
      return;
    }
    String pid = platform("driverPid");
    Optional<ProcessHandle> driver = pid == null ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid));
    if (driver.isPresent()) {
      // SIGTERM first: the entrypoint cancels its jobs, aborts its outputs and records CANCELLED.
      driver.get().destroy();
      Thread escalate = new Thread(() -> {
        try {
          driver.get().onExit().get(CANCEL_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception notYet) {
          driver.get().descendants().forEach(ProcessHandle::destroyForcibly);
          driver.get().destroyForcibly();
        }
      }, "sparkstep-cancel-" + rec().runId);
      escalate.setDaemon(true);
      escalate.start();
    } else if (handle != null) {
      handle.kill();
    }
  }

  private void killDriver(String driverId) {
    try {
      launch.master().killDriver(driverId);
      appendLog("sparkstep: asked the master to kill " + driverId);
    } catch (IOException e) {
      appendLog("sparkstep: could not ask the master to kill " + driverId + ": " + e.getMessage());
    }
  }

  private RunRecord readDriverRecord() {
    String dir = platform("driverRunDir");
    if (dir == null) {
      return null;
    }
    Path file = Path.of(java.net.URI.create(dir)).resolve("record.json");
    try {
      return Files.isRegularFile(file) ? RunRecordJson.read(Files.readString(file)) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void merge(RunRecord driver) {
    RunRecord record = rec();
    synchronized (record) {
      if (driver.startedAt != null && record.startedAt == null) {
        record.startedAt = driver.startedAt;
      }
      record.outputs = driver.outputs;
      record.models = driver.models;
      record.metrics = driver.metrics;
      if (driver.sparkAppId != null) {
        record.sparkAppId = driver.sparkAppId;
      }
      if (driver.sparkUiUrl != null) {
        record.sparkUiUrl = driver.sparkUiUrl;
      }
      record.accelerator = driver.accelerator;
      record.host = driver.host;
      if (driver.error != null) {
        record.error = driver.error;
      }
    }
  }

  private long logSize() {
    try {
      return Files.exists(context.logFile()) ? Files.size(context.logFile()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private void appendLog(String line) {
    appendRaw(line + "\n");
  }

  private void appendRaw(String text) {
    try {
      Files.writeString(context.logFile(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
