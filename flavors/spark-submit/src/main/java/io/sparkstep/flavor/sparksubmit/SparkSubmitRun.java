package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.RunScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
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
 *
 * <p>The work is split by concern: {@link AttemptLoop} (launch, end, submit again after a backoff), a
 * {@link DriverTracker} per attempt ({@link SubmitProcessTracker}, {@link StandaloneDriverTracker} with its
 * {@link DriverLogPump}) and {@link ProcessReaper} for a cancel's SIGKILL. Everything timed runs on the shared
 * {@link RunScheduler}; the submitting process follows the run with a poll there ({@link #poll}).
 */
final class SparkSubmitRun extends AbstractStepRun {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  /** How long a driver gets to stop after SIGTERM, or to exit once its record is final, before it is judged. */
  static final Duration CANCEL_GRACE = Duration.ofSeconds(20);

  private final SparkSubmitLaunch launch;
  private final boolean owner;
  private final AttemptLoop attempts;
  private volatile DriverTracker tracker;
  private volatile boolean cancelRequested;
  private volatile boolean timedOut;
  private volatile RunScheduler.Scheduled monitor;

  private SparkSubmitRun(RunContext context, SparkSubmitLaunch launch, boolean owner) {
    super(context, POLL_INTERVAL);
    this.launch = launch;
    this.owner = owner;
    this.attempts = new AttemptLoop(this, launch);
  }

  /** A new run: launches attempt 1 and follows it from this process. */
  static SparkSubmitRun start(RunContext context, SparkSubmitLaunch launch) {
    SparkSubmitRun run = new SparkSubmitRun(context, launch, true);
    run.updateAttempt(attempt -> attempt.submittedBy(ProcessHandle.current().pid()));
    run.attempts.launch(1);
    run.monitor = RunScheduler.shared().every(POLL_INTERVAL, run::poll);
    return run;
  }

  /** A run launched earlier, perhaps by another process. */
  static SparkSubmitRun attach(RunContext context, SparkSubmitLaunch launch) {
    return new SparkSubmitRun(context, launch, false);
  }

  /** One turn of the submitting process's monitor; it stops once the run is final. */
  private void poll() {
    if (isDone()) {
      RunScheduler.Scheduled self = monitor;
      if (self != null) {
        self.cancel(); // else not assigned yet: the next turn cancels
      }
      return;
    }
    try {
      refresh();
    } catch (RuntimeException e) {
      log("sparkstep: monitor: " + e);
    }
  }

  /** From the launcher's callbacks and spark-submit's exit: judged at once, not at the next poll. */
  void refreshNow() {
    try {
      refresh();
    } catch (RuntimeException ignored) {
      // the monitor polls again shortly
    }
  }

  @Override
  protected synchronized void refresh() {
    if (isDone() || attempts.relaunching()) {
      return;
    }
    enforceMaxRuntime();
    tracker().observe();
  }

  @Override
  protected void requestCancel() {
    cancelRequested = true;
    if (attempts.relaunching()) {
      return; // the attempt loop ends the run instead of submitting again
    }
    tracker().cancel();
  }

  private void enforceMaxRuntime() {
    long max = ResourceConf.runtimeLimitSeconds(launch.spec().resources);
    Instant started = rec().startedAt != null ? rec().startedAt : rec().submittedAt;
    if (max > 0 && !timedOut && started != null
        && Duration.between(started, Instant.now()).getSeconds() > max) {
      timedOut = true;
      log("sparkstep: maxRuntimeSeconds=" + max + " exceeded; stopping the driver");
      requestCancel();
    }
  }

  /** The current attempt's tracker; an attached handle builds it from the record. */
  private DriverTracker tracker() {
    DriverTracker current = tracker;
    if (current == null) {
      current = trackAttempt(null);
    }
    return current;
  }

  /** Starts following a new attempt (its launcher handle, null when unknown) with the tracker its mode needs. */
  DriverTracker trackAttempt(SparkAppHandle handle) {
    DriverTracker next = followsStandaloneMaster() ? new StandaloneDriverTracker(this, launch, handle)
        : new SubmitProcessTracker(this, handle);
    tracker = next;
    return next;
  }

  RunContext context() {
    return context;
  }

  RunRecord rec() {
    return context.record();
  }

  /** The current attempt, as the record holds it. */
  SubmitAttempt attempt() {
    return SubmitAttempt.from(rec());
  }

  /** Changes the current attempt's handle data in the record (not saved yet). */
  void updateAttempt(UnaryOperator<SubmitAttempt> change) {
    context.update(record -> change.apply(SubmitAttempt.from(record)).into(record));
  }

  /** Applies one event to the run's record (not saved yet). */
  RunRecord update(UnaryOperator<RunRecord> event) {
    return context.update(event);
  }

  AttemptLoop attempts() {
    return attempts;
  }

  /** Whether this handle launched the run (only it submits again). */
  boolean owner() {
    return owner;
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  /** Whether the run was stopped for exceeding resources.maxRuntimeSeconds. */
  boolean timedOut() {
    return timedOut;
  }

  /** The run's own deploy mode, as recorded: the operator may have been re-registered since. */
  boolean clusterMode() {
    String mode = attempt().deployMode();
    return mode == null ? launch.settings().clusterMode() : "cluster".equals(mode);
  }

  /**
   * A standalone cluster-mode driver is followed through the master; everything else (client mode, YARN, where
   * spark-submit stays to monitor the application) through the launcher handle and the spark-submit process.
   */
  boolean followsStandaloneMaster() {
    return clusterMode() && launch.settings().masterKind() == SparkSubmitSettings.MasterKind.STANDALONE;
  }

  static boolean alive(Long pid) {
    return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  void observed(RunState state) {
    moveTo(state);
  }

  void save() {
    saveRecord();
  }

  /** The record the current attempt's entrypoint wrote, or null while there is none. */
  RunRecord driverRecord() {
    String dir = attempt().driverRunDir();
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

  void merge(RunRecord driver) {
    // the attempts are this launcher's own: each submission, not the driver's retries of its step
    context.update(record -> {
      RunRecord merged = record.driverEndTaken(driver).driverResultsTaken(driver);
      if (driver.startedAt != null && merged.startedAt == null) {
        merged = merged.startedAt(driver.startedAt);
      }
      if (driver.sparkAppId != null) {
        merged = merged.sparkApp(driver.sparkAppId);
      }
      return driver.sparkUiUrl == null ? merged : merged.started(null, merged.host, null, driver.sparkUiUrl);
    });
  }

  long logSize() {
    try {
      return Files.exists(context.logFile()) ? Files.size(context.logFile()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  void log(String line) {
    append(line + "\n");
  }

  void append(String text) {
    try {
      Files.writeString(context.logFile(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
