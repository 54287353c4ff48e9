package io.sparkstep.runtime;

import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.spi.RunSecrets;
import io.sparkstep.spi.accel.AcceleratorSession;
import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.util.ScrubbingPrintStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one main class every environment runs: spark-submit (client or cluster), a Kubernetes driver pod, a
 * SageMaker, Vertex or Azure ML container, a local child process.
 *
 * <pre>
 *   StepEntrypoint --spec spec.json|URI [--run-dir URI] [--master M]
 *   StepEntrypoint --spec-json '{...}'
 *   SPARKSTEP_SPEC='{...}' StepEntrypoint          (or SPARKSTEP_SPEC_URI=s3a://...)
 *   spark-submit --class io.sparkstep.runtime.StepEntrypoint sparkstep-engine.jar --spec spec.json
 * </pre>
 *
 * <p>Writes {@code record.json} into the run directory (spec {@code runDir}, {@code --run-dir} or
 * {@code $SPARKSTEP_RUN_DIR}) at start and end, and exits 0 succeeded, 1 step failed, 2 invalid input,
 * 3 platform failure, 4 cancelled. SIGTERM cancels the run: nothing is committed and the record says CANCELLED.
 */
public final class StepEntrypoint {
  /** Prefix of the output line that carries the final run record as one line of JSON. */
  public static final String RECORD_LINE_PREFIX = EntrypointContract.RECORD_LINE_PREFIX;
  public static final String SPEC_ENV = EntrypointContract.SPEC_ENV;
  public static final String SPEC_URI_ENV = EntrypointContract.SPEC_URI_ENV;
  public static final String RUN_DIR_ENV = EntrypointContract.RUN_DIR_ENV;

  private StepEntrypoint() {
  }

  public static void main(String[] args) {
    // First of all: from here a SIGTERM (a platform's stop, kill, pod deletion) ends the run CANCELLED.
    EntrypointSignals.install();
    // Before anything logs: every line this process prints goes out scrubbed of the run's secrets.
    ScrubbingPrintStream.install();
    ScrubbedConsoleLogs.install();
    RunSecrets.registerEnvironment();
    int code = run(args);
    System.out.flush();
    System.err.flush();
    if (!Boolean.getBoolean("sparkstep.entrypoint.noExit")) {
      // Under spark-submit a non-zero exit is how the driver reports failure; Runtime.halt would skip hooks.
      System.exit(code);
    }
  }

  /** Runs a step from arguments and the environment; returns the contract exit code. */
  public static int run(String[] args) {
    Arguments arguments;
    StepSpec spec;
    try {
      arguments = Arguments.parse(args);
      spec = StepSpecJson.read(arguments.specJson());
      if (arguments.runDir != null) {
        spec.runDir = arguments.runDir;
      }
      if (spec.runId == null) {
        spec.runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
      }
      RunSecrets.internalizeParams(spec, System::getenv);
      RunSecrets.register(spec, null);
      try {
        // Before the step is looked up: the user's jars (staged by the flavor) become this JVM's user loader.
        StepJars.install(spec, hadoopConfFromSparkConf());
      } catch (IOException e) {
        System.err.println("sparkstep: cannot fetch the step's jars: " + e.getMessage());
        return ExitCode.PLATFORM_ERROR;
      }
      new SpecValidator().validateOrThrow(spec, false);
    } catch (InvalidSpecException | IllegalArgumentException e) {
      System.err.println("sparkstep: invalid input: " + e.getMessage());
      return ExitCode.INVALID_INPUT;
    } catch (IOException e) {
      System.err.println("sparkstep: cannot read the spec: " + e.getMessage());
      return ExitCode.INVALID_INPUT;
    }

    RunRecord record = new RunRecord(spec.runId, spec.step,
        spec.operator == null ? null : spec.operator.name, spec.operator == null ? null : spec.operator.flavor);
    record.host = hostName();
    RecordWriter writer = new RecordWriter(spec.runDir);
    CancelToken cancel = new CancelToken();
    CountDownLatch finished = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<SparkSession> running = new java.util.concurrent.atomic.AtomicReference<>();
    Runnable onSignal = () -> {
      // Stop the jobs; the runner aborts the outputs and records CANCELLED. Before the step started the main thread
      // sees the request at its next step and records CANCELLED itself.
      if (finished.getCount() > 0 && cancel.request()) {
        SparkSession session = running.get();
        try {
          // Again each second until the runner ends: a job the step submits just after the request is cancelled too.
          while (session != null && finished.getCount() > 0) {
            session.sparkContext().cancelJobsWithTag(StepRunner.runTag(spec.runId));
            finished.await(1, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException stopped) {
          // the SparkContext is stopping: its jobs end with it
        }
      }
    };
    Thread hook = null;
    if (EntrypointSignals.installed()) {
      EntrypointSignals.listen(onSignal);
    } else {
      // run() called without main (embedded) or signals not ours to handle: cancel while the JVM shuts down.
      hook = shutdownHook(spec, record, writer, cancel, finished, running);
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try {
      return runListening(spec, arguments, record, writer, cancel, finished, running, hook);
    } finally {
      EntrypointSignals.stopListening();
    }
  }

  private static Thread shutdownHook(StepSpec spec, RunRecord record, RecordWriter writer, CancelToken cancel,
                                     CountDownLatch finished,
                                     java.util.concurrent.atomic.AtomicReference<SparkSession> running) {
    return new Thread(() -> {
      // Before the step started (Spark still starting) there is nothing to abort: the record says CANCELLED.
      if (finished.getCount() > 0 && cancel.request()) {
        SparkSession session = running.get();
        if (session == null) {
          record.transition(RunState.CANCELLED);
          writer.write(record, null);
          writer.close();
          System.err.println(RECORD_LINE_PREFIX + RunRecordJson.writeLine(record));
          return;
        }
        session.sparkContext().cancelJobsWithTag(StepRunner.runTag(spec.runId));
        try {
          finished.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      }
    }, "sparkstep-cancel-on-signal");
  }

  /** A signal came before the step started: nothing to abort, the record says CANCELLED. */
  private static int cancelledBeforeStep(RunRecord record, RecordWriter writer, Thread hook) {
    record.transition(RunState.CANCELLED);
    writer.write(record, null);
    writer.close();
    removeHook(hook);
    System.err.println("sparkstep: run " + record.runId + " CANCELLED before the step started");
    System.err.println(RECORD_LINE_PREFIX + RunRecordJson.writeLine(record));
    return ExitCode.CANCELLED;
  }

  private static int runListening(StepSpec spec, Arguments arguments, RunRecord record, RecordWriter writer,
                                  CancelToken cancel, CountDownLatch finished,
                                  java.util.concurrent.atomic.AtomicReference<SparkSession> running, Thread hook) {
    // From here a signal ends the run CANCELLED; the first record says so to whoever watches (Spark takes seconds).
    writer.write(record, null);
    if (cancel.isRequested()) {
      return cancelledBeforeStep(record, writer, hook);
    }
    SparkSession spark;
    AcceleratorSession acceleration = null;
    try {
      // Before Spark starts: the accelerator's jars must be loadable when the SparkContext loads its plugins.
      acceleration = AcceleratorSession.start(spec);
      spark = SparkSessionFactory.create(spec, acceleration.plan(), arguments.master != null ? arguments.master
          : SparkSessionFactory.defaultLocalMaster(spec));
      acceleration.attach(spark);
    } catch (InvalidSpecException e) {
      System.err.println("sparkstep: invalid input: " + e.getMessage());
      closeQuietly(acceleration);
      record.fail(e);
      record.transition(RunState.FAILED);
      writer.write(record, null);
      removeHook(hook);
      return ExitCode.INVALID_INPUT;
    } catch (Exception e) {
      // Exception, not RuntimeException: Scala code throws checked exceptions (ConnectException to a master) too.
      closeQuietly(acceleration);
      if (cancel.isRequested()) {
        // Spark's start failed because the JVM is shutting down on a signal (or was stopped by it)
        return cancelledBeforeStep(record, writer, hook);
      }
      System.err.println("sparkstep: cannot start Spark: " + e);
      record.fail(e);
      record.transition(RunState.FAILED);
      writer.write(record, null);
      removeHook(hook);
      return ExitCode.PLATFORM_ERROR;
    }
    running.set(spark);
    if (cancel.isRequested()) {
      int code = cancelledBeforeStep(record, writer, hook);
      if (!Boolean.getBoolean("sparkstep.entrypoint.keepSession")) {
        spark.stop();
      }
      acceleration.close();
      return code;
    }
    RunState state;
    AcceleratorSession accelerated = acceleration;
    try {
      state = new StepRunner().run(spark, spec, record, cancel, r -> {
        r.accelerator = accelerated.info();
        writer.write(r, spark);
      });
    } catch (InvalidSpecException e) {
      System.err.println("sparkstep: invalid input: " + e.getMessage());
      finished.countDown();
      return ExitCode.INVALID_INPUT;
    } finally {
      finished.countDown();
    }
    removeHook(hook);
    if (state == RunState.FAILED && record.error != null) {
      System.err.println("sparkstep: step " + spec.step + " failed: " + record.error.message
          + (record.error.rootCause == null ? "" : " (cause: " + record.error.rootCause + ")"));
    } else {
      System.err.println("sparkstep: run " + spec.runId + " " + state + " " + record.view().rowsWritten());
    }
    // Last line of the output: the record, for platforms where only the container's output comes back.
    System.err.println(RECORD_LINE_PREFIX + RunRecordJson.writeLine(record));
    if (!Boolean.getBoolean("sparkstep.entrypoint.keepSession")) {
      spark.stop();
    }
    acceleration.close();
    return state.exitCode();
  }

  private static void removeHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // already in shutdown: the hook is what brought us here
    }
  }

  private static void closeQuietly(AcceleratorSession acceleration) {
    if (acceleration != null) {
      acceleration.close();
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Writes the record into the run directory on any Hadoop file system; failures are reported, never fatal. */
  static final class RecordWriter {
    private final String runDir;
    private boolean closed;

    RecordWriter(String runDir) {
      this.runDir = runDir != null ? runDir : System.getenv(RUN_DIR_ENV);
    }

    /** No more writes: the final record is written (by the signal hook), a late writer must not change it. */
    synchronized void close() {
      closed = true;
    }

    synchronized void write(RunRecord record, SparkSession spark) {
      if (runDir == null || closed) {
        return;
      }
      try {
        Configuration conf = spark != null ? spark.sparkContext().hadoopConfiguration() : hadoopConfFromSparkConf();
        Path dir = new Path(runDir);
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        Path tmp = new Path(dir, ".record.json." + UUID.randomUUID() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
          out.write(RunRecordJson.write(record).getBytes(StandardCharsets.UTF_8));
        }
        Path target = new Path(dir, "record.json");
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
          throw new IOException("rename failed");
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("sparkstep: could not write the run record to " + runDir + ": " + e);
      }
    }
  }

  /**
   * The Hadoop conf Spark will have, from the {@code spark.hadoop.*} system properties (what {@code new SparkConf()}
   * reads, spark-submit's conf included), without loading Spark: the first record is written before Spark starts.
   */
  static Configuration hadoopConfFromSparkConf() {
    Configuration conf = new Configuration();
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("spark.hadoop.")) {
        conf.set(key.substring("spark.hadoop.".length()), System.getProperty(key));
      }
    }
    return conf;
  }

  /** Command-line arguments of the entrypoint. */
  static final class Arguments {
    String specPath;
    String specJson;
    String runDir;
    String master;

    static Arguments parse(String[] args) {
      Arguments parsed = new Arguments();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (arg) {
          case "--spec":
            parsed.specPath = require(arg, value);
            i++;
            break;
          case "--spec-json":
            parsed.specJson = require(arg, value);
            i++;
            break;
          case "--spec-json-part":
            // a spec too large for one OS argument comes in parts (SpecChannel), joined in order
            parsed.specJson = (parsed.specJson == null ? "" : parsed.specJson) + require(arg, value);
            i++;
            break;
          case "--run-dir":
            parsed.runDir = require(arg, value);
            i++;
            break;
          case "--master":
            parsed.master = require(arg, value);
            i++;
            break;
          default:
            throw new IllegalArgumentException("unknown argument '" + arg
                + "'; usage: StepEntrypoint --spec FILE|URI | --spec-json JSON [--run-dir URI] [--master M]");
        }
      }
      return parsed;
    }

    private static String require(String flag, String value) {
      if (value == null) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return value;
    }

    String specJson() throws IOException {
      if (specJson != null) {
        return specJson;
      }
      if (specPath != null) {
        return readLocation(specPath);
      }
      String env = System.getenv(SPEC_ENV);
      if (env != null && !env.isBlank()) {
        return env;
      }
      String uri = System.getenv(SPEC_URI_ENV);
      if (uri != null && !uri.isBlank()) {
        return readLocation(uri);
      }
      throw new IllegalArgumentException("no spec given: pass --spec FILE|URI or --spec-json JSON, or set "
          + SPEC_ENV + " or " + SPEC_URI_ENV);
    }

    private static String readLocation(String location) throws IOException {
      if (!location.contains("://") && !location.startsWith("file:")) {
        return Files.readString(Paths.get(location));
      }
      Path path = new Path(location);
      try (InputStream in = path.getFileSystem(hadoopConfFromSparkConf()).open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
