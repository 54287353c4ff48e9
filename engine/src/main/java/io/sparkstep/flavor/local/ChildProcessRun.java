package io.sparkstep.flavor.local;

import io.sparkstep.spi.RunSecrets;
import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.runtime.StepEntrypoint;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.util.JavaCommand;
import io.sparkstep.spi.SubmitOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local run in a child JVM that runs {@link StepEntrypoint}, the same main class as on a cluster. Its output goes
 * to the run's log; the child writes its record under {@code <run>/driver/}, which this handle merges. The child's
 * pid is in the record, so any later CLI process can follow or cancel it (SIGTERM: the entrypoint aborts its outputs
 * and records CANCELLED).
 */
final class ChildProcessRun extends AbstractStepRun {
  private final String pid;
  private volatile boolean cancelRequested;
  /** How the child ended, where this process started it (only a parent can learn a process's exit status). */
  private volatile Integer exitValue;
  /** Record key: when a Sparkstep process sent the run's process SIGTERM, so any later observer knows of it. */
  static final String CANCEL_REQUESTED_AT = "cancelRequestedAt";

  ChildProcessRun(RunContext context, String pid) {
    super(context);
    this.pid = pid;
  }

  static ChildProcessRun start(StepSpec spec, SubmitOptions options, RunContext context, OperatorConfig config) {
    Path driverDir = context.runDir().resolve("driver");
    StepSpec childSpec = spec.copy();
    childSpec.runDir = driverDir.toUri().toString();
    // Operator conf as written (${VAR} unresolved: the child inherits this environment and resolves it), and every
    // literal secret (conf or step parameter) moved into the child's environment, so the spec file below holds no
    // secret value.
    config.raw().forEach((key, value) -> {
      if (key.startsWith("conf.")) {
        childSpec.sparkConf.putIfAbsent(key.substring("conf.".length()), value);
      }
    });
    java.util.Map<String, String> childEnv = new java.util.LinkedHashMap<>();
    childSpec.sparkConf = RunSecrets.externalize(childSpec.sparkConf, childEnv);
    RunSecrets.externalizeParams(childSpec, childEnv);
    try {
      Files.createDirectories(driverDir);
      // The child's spec is unredacted (it must run); only the owner may read it, and it goes when the run ends.
      Path specFile = Files.createTempFile(context.runDir(), ".spec-", ".json",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(specFile, StepSpecJson.write(childSpec));
      List<String> jvmFlags = new ArrayList<>();
      heapFlag(spec, config).ifPresent(jvmFlags::add);
      String log4j = System.getProperty("log4j2.configurationFile");
      if (log4j != null) {
        jvmFlags.add("-Dlog4j2.configurationFile=" + log4j);
      }
      // Comet's JVM shuffle shares packages with Spark, so its jar must come from the JVM's own class path (a child
      // loader breaks it); the user's jars follow the engine's, so they can never shadow it.
      List<String> systemJars = new ArrayList<>();
      if (Accelerators.of(spec) == Accelerator.COMET) {
        systemJars.addAll(Accelerators.plan(spec).jars());
      }
      List<String> userJars = spec.jars.stream().filter(UserJars::isLocal)
          .map(jar -> UserJars.localPath(jar).toString()).toList();
      if (systemJars.isEmpty()) {
        // The child's class path starts as this JVM's, so it can map the same class-data archive (a prepended jar
        // would not match the archive's class path, and the JVM would ignore it).
        jvmFlags.addAll(JavaCommand.classDataArchiveFlags());
      }
      List<String> command = JavaCommand.forMainClass(StepEntrypoint.class.getName(), jvmFlags, systemJars,
          userJars);
      command.add("--spec");
      command.add(specFile.toString());
      if (options.explain()) {
        command.add(StepEntrypoint.EXPLAIN_FLAG);
      }
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(context.logFile().toFile()));
      builder.environment().putAll(childEnv);
      Process process = builder.start();
      context.updateAndSave(record -> ProcessIdentity.recorded(record, process.toHandle()));
      ChildProcessRun run = new ChildProcessRun(context, Long.toString(process.pid()));
      process.onExit().thenRun(() -> {
        run.exitValue = process.exitValue();
        try {
          Files.deleteIfExists(specFile);
        } catch (IOException ignored) {
          // a private temp file; nothing else to do
        }
        run.refresh();
      });
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the local step process: " + e.getMessage(), e);
    }
  }

  private Optional<ProcessHandle> process() {
    return ProcessIdentity.find(context.record());
  }

  @Override
  protected synchronized void refresh() {
    if (isDone()) {
      return;
    }
    try {
      refreshFromDriver();
    } finally {
      if (isDone()) {
        removePrivateSpec();
      }
    }
  }

  /**
   * The child's unredacted spec goes once the run is final, removed by whichever process sees the end (the child's
   * submitter may be long gone).
   */
  private void removePrivateSpec() {
    try (var files = Files.list(context.runDir())) {
      files.filter(f -> f.getFileName().toString().startsWith(".spec-")).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // removed by another observer meanwhile
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // no run directory: nothing to remove
    }
  }

  @Override
  protected void afterStoredFinal() {
    removePrivateSpec();
  }

  private void refreshFromDriver() {
    RunRecord driver = readDriverRecord();
    boolean alive = process().map(ProcessHandle::isAlive).orElse(false);
    if (driver != null) {
      merge(driver);
      if (driver.state.isFinal() || driver.state == RunState.RUNNING) {
        if (!driver.state.isFinal() && !alive) {
          failGone();
          return;
        }
        moveTo(driver.state);
        return;
      }
    }
    if (!alive) {
      failGone();
    }
  }

  private void failGone() {
    RunRecord driver = readDriverRecord();
    if (driver != null && driver.state.isFinal()) {
      merge(driver);
      moveTo(driver.state);
      return;
    }
    // Ended by a signal this process can know of: one a Sparkstep process sent (runs cancel, a followed run's
    // Ctrl-C), or, for the parent, an exit status of SIGTERM/SIGINT/SIGHUP (the JVM's 128+n) from anyone, e.g. a
    // kill before the child's entrypoint could record it. SIGKILL stays FAILED: it is also what the OOM killer sends.
    Integer exit = exitValue;
    if (cancelRequested || context.record().platform.containsKey(CANCEL_REQUESTED_AT)
        || (exit != null && (exit == 128 + 15 || exit == 128 + 2 || exit == 128 + 1))) {
      moveTo(RunState.CANCELLED);
      return;
    }
    RunRecord.ErrorInfo exited = RunRecord.ErrorInfo.of("ProcessExited",
        "the step process ended without a final record; see " + context.logFile());
    context.update(record -> record.error == null ? record.failed(exited) : record);
    moveTo(RunState.FAILED);
  }

  private RunRecord readDriverRecord() {
    // A child process writes under driver/; a run embedded in another CLI process writes the main record.
    Path file = context.runDir().resolve("driver").resolve("record.json");
    try {
      if (Files.isRegularFile(file)) {
        return RunRecordJson.read(Files.readString(file));
      }
      return context.store().load(id()).orElse(null);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  private void merge(RunRecord driver) {
    context.update(record -> record.driverRecordMerged(driver).sentTo(driver.sparkMaster));
  }

  @Override
  protected void requestCancel() {
    cancelRequested = true;
    Optional<ProcessHandle> process = process();
    if (process.isPresent()) {
      context.update(record -> record.platformNote(CANCEL_REQUESTED_AT, Instant.now().toString()));
      saveRecord();
      process.get().destroy();
    }
  }

  /** The child JVM's -Xmx: resources.memory, else the operator's driverMemory; none when neither says. */
  static Optional<String> heapFlag(StepSpec spec, OperatorConfig config) {
    String memory = config.get(LocalFlavor.DRIVER_MEMORY);
    if (spec.resources != null && spec.resources.memory != null) {
      memory = spec.resources.memory;
    }
    return memory == null ? Optional.empty()
        : Optional.of("-Xmx" + MemorySize.memoryMiB(memory) + "m");
  }
}
