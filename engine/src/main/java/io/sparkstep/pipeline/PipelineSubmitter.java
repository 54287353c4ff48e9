package io.sparkstep.pipeline;

import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.util.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one way a pipeline run starts, for the CLI and the Java API alike: validate the whole pipeline (nothing runs
 * before every problem is fixed), store the pipeline and its run record, then drive it in this process or in a
 * detached child process of its own ({@link PipelineDriver}). Also what any later process does with a run: observe
 * it (a driver that died is said so, not RUNNING for ever), cancel it, resume it.
 */
public final class PipelineSubmitter {
  /** Steps of one pipeline that run at the same time when the caller says nothing. */
  public static final int DEFAULT_PARALLELISM = 2;
  /** How long a run made ready (created, resumed) may wait for the process that drives it before it counts as dead. */
  static final Duration DRIVER_START_GRACE = Duration.ofSeconds(60);
  private final StepSubmitter steps;
  private final PipelineRunStore store;
  private final Path home;
  private final PipelineLineage lineage;

  public PipelineSubmitter(StepSubmitter steps, Path home) {
    this.steps = steps;
    this.store = new PipelineRunStore(home);
    this.home = home;
    this.lineage = new PipelineLineage(steps, store);
  }

  public PipelineRunStore store() {
    return store;
  }

  public StepSubmitter steps() {
    return steps;
  }

  /**
   * Validates and stores a new run (state SUBMITTED); {@code operator} (may be null) replaces the pipeline's default.
   *
   * @throws InvalidSpecException listing every problem of the pipeline; nothing was stored or started
   */
  public String create(Pipeline pipeline, String operator, int parallelism) {
    return create(pipeline, operator, parallelism, List.of());
  }

  /**
   * The same, reporting {@code earlier} (what converting an api request found) with the pipeline's own problems, so
   * that every problem comes at once.
   */
  public String create(Pipeline pipeline, String operator, int parallelism, List<ValidationProblem> earlier) {
    Pipeline submitted = PipelineFile.read(PipelineFile.writeJson(pipeline), "pipeline " + pipeline.name);
    if (operator != null) {
      submitted.operator = operator;
    }
    List<ValidationProblem> problems = new ArrayList<>(earlier);
    if (parallelism < 1) {
      problems.add(ValidationProblem.of("parallelism", "must be at least 1, was " + parallelism,
          "1 runs one step at a time"));
    }
    problems.addAll(new PipelineValidator(steps, home).problems(submitted));
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    // The store as resolved now, so a later resume from another environment writes where this run did.
    submitted.artifactStore = StepSpecs.store(submitted, home);
    PipelineRunRecord record = new PipelineRunRecord();
    record.id = StepSubmitter.newRunId();
    record.pipeline = submitted.name;
    record.parallelism = parallelism;
    record.submittedAt = Instant.now();
    record.readyAt = record.submittedAt;
    submitted.steps.forEach(s -> record.steps.add(new PipelineRunRecord.StepEntry(s.id)));
    store.create(record, submitted);
    return record.id;
  }

  /** Runs a stored run in this JVM, on a thread of its own; returns its handle at once. */
  public PipelineRunHandle start(String id) {
    PipelineExecutor executor = new PipelineExecutor(steps, store, home, id);
    markDriver(id, ProcessHandle.current());
    PipelineRunHandle run = new PipelineRunHandle(this, id, executor);
    Thread thread = new Thread(() -> {
      try {
        executor.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | Error e) {
        lineage.publish(store.update(id, r -> {
          r.state = RunState.FAILED;
          r.error = "the pipeline driver failed: " + e;
          r.endedAt = Instant.now();
        }));
      }
    }, "sparkstep-pipeline-" + id);
    thread.setDaemon(false);
    thread.start();
    return run;
  }

  /** Runs a stored run in a child JVM of its own ({@link PipelineDriver}), its output in the run's driver.log. */
  public void startDetached(String id) {
    List<String> flags = new ArrayList<>();
    flags.add("-Dsparkstep.home=" + home.toAbsolutePath());
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      flags.add("-Dlog4j2.configurationFile=" + log4j);
    }
    flags.addAll(JavaCommand.classDataArchiveFlags());
    List<String> command = JavaCommand.forMainClass(PipelineDriver.class.getName(), flags);
    command.add(id);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(store.logFile(id).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      markDriver(id, process.toHandle());
    } catch (IOException e) {
      lineage.publish(store.update(id, r -> {
        r.state = RunState.FAILED;
        r.error = "the pipeline process did not start: " + e.getMessage();
        r.endedAt = Instant.now();
      }));
      throw new UncheckedIOException("cannot start the pipeline process: " + e.getMessage(), e);
    }
  }

  private void markDriver(String id, ProcessHandle driver) {
    store.update(id, r -> {
      r.driverPid = Long.toString(driver.pid());
      r.driverStartedAt = driver.info().startInstant().orElse(null);
    });
  }

  /** A handle on a run stored here, for a process that did not start it. */
  public PipelineRunHandle attach(String id) {
    store.load(id);
    return new PipelineRunHandle(this, id, null);
  }

  /**
   * The run's record as it stands: a run whose driver process is gone while the record says it goes on is FAILED,
   * its unfinished steps as their own runs' records say (a step that ran in the dead driver ends FAILED), and that
   * is stored, so every later observer sees the same.
   */
  public PipelineRunRecord observe(String id) {
    PipelineRunRecord record = store.load(id);
    if (record.state.isFinal() || driverAlive(record)) {
      return record;
    }
    List<String[]> stepStates = new ArrayList<>();
    for (PipelineRunRecord.StepEntry entry : record.steps) {
      if (!entry.state.isFinal() && entry.runId != null) {
        stepStates.add(new String[] {entry.id, stepState(entry.runId).name()});
      }
    }
    PipelineRunRecord failed = store.update(id, r -> {
      if (r.state.isFinal()) {
        return;
      }
      for (String[] s : stepStates) {
        r.step(s[0]).ifPresent(e -> e.state = PipelineStepState.valueOf(s[1]));
      }
      r.steps.stream().filter(e -> !e.state.isFinal() && e.state != PipelineStepState.PENDING
          && e.state != PipelineStepState.UNKNOWN).forEach(e -> e.state = PipelineStepState.FAILED);
      r.state = RunState.FAILED;
      r.error = "the pipeline's process (pid " + r.driverPid + ") ended before the pipeline did; continue with: "
          + "sparkstep pipeline resume " + r.id;
      r.endedAt = Instant.now();
    });
    lineage.publish(failed);
    return failed;
  }

  private PipelineStepState stepState(String runId) {
    try {
      StepRun run = steps.attach(runId);
      RunState state = run.state();
      return PipelineStepState.of(state);
    } catch (RuntimeException e) {
      // no record (the driver died between storing the id and submitting): the step never started
      return PipelineStepState.PENDING;
    }
  }

  static boolean driverAlive(PipelineRunRecord record) {
    if (record.driverPid == null) {
      return record.readyAt != null && record.readyAt.plus(DRIVER_START_GRACE).isAfter(Instant.now());
    }
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(record.driverPid)).filter(ProcessHandle::isAlive);
    if (process.isEmpty() || record.driverStartedAt == null) {
      return process.isPresent();
    }
    // A pid the system gave to another process since is not the driver.
    Optional<Instant> started = process.get().info().startInstant();
    return started.isEmpty()
        || Duration.between(record.driverStartedAt, started.get()).abs().compareTo(Duration.ofSeconds(1)) <= 0;
  }

  /**
   * Asks the run to stop. Its driver, where alive, cancels its running steps through their flavors; a run whose
   * driver is gone has its step runs cancelled from here.
   */
  public PipelineRunRecord cancel(String id) {
    PipelineRunRecord record = store.update(id, r -> r.cancelRequested = true);
    if (record.state.isFinal() || driverAlive(record)) {
      return record;
    }
    for (PipelineRunRecord.StepEntry entry : record.steps) {
      if (!entry.state.isFinal() && entry.runId != null) {
        try {
          steps.attach(entry.runId).cancel();
        } catch (RuntimeException ignored) {
          // a step run that never got a record: nothing to stop
        }
      }
    }
    PipelineRunRecord cancelled = store.update(id, r -> {
      if (!r.state.isFinal()) {
        r.steps.stream().filter(e -> !e.state.isFinal()).forEach(e -> e.state = PipelineStepState.CANCELLED);
        r.state = RunState.CANCELLED;
        r.error = "cancelled";
        r.endedAt = Instant.now();
      }
    });
    lineage.publish(cancelled);
    return cancelled;
  }

  /**
   * Makes a finished run (or one whose driver died) ready to run again: every step that did not succeed goes back to
   * PENDING with a fresh run id to come (so nothing an earlier attempt wrote is touched); succeeded steps keep their
   * runs and artifacts, which the steps after them read.
   *
   * @throws InvalidSpecException when the run is still going
   */
  public void prepareResume(String id, Integer parallelism) {
    PipelineRunRecord record = observe(id);
    if (!record.state.isFinal()) {
      throw new InvalidSpecException("run", "pipeline run " + id + " is still " + record.state,
          "wait for it, or cancel it first: sparkstep pipeline cancel " + id);
    }
    if (record.state == RunState.SUCCEEDED) {
      throw new InvalidSpecException("run", "pipeline run " + id + " already SUCCEEDED", "nothing to resume");
    }
    store.update(id, r -> {
      for (PipelineRunRecord.StepEntry entry : r.steps) {
        if (entry.state != PipelineStepState.SUCCEEDED) {
          if (entry.runId != null) {
            entry.earlierRunIds.add(entry.runId);
          }
          entry.runId = null;
          entry.state = PipelineStepState.PENDING;
          entry.outputs.clear();
          entry.error = null;
        }
      }
      if (parallelism != null) {
        r.parallelism = parallelism;
      }
      r.state = RunState.SUBMITTED;
      r.readyAt = Instant.now();
      r.driverPid = null;
      r.driverStartedAt = null;
      r.cancelRequested = false;
      r.error = null;
      r.endedAt = null;
    });
    lineage.resumed(id);
  }
}
