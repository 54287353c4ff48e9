package io.sparkstep.runtime;

import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.spi.RunSecrets;
import io.sparkstep.spi.accel.AcceleratorSession;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.CurrentRecord;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.remote.SparkHadoopConf;
import io.sparkstep.util.ScrubbingPrintStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one main class every environment runs: spark-submit (client or cluster), a Kubernetes driver pod, a
 * SageMaker, Vertex or Azure ML container, a local child process.
 *
 * <pre>
 *   StepEntrypoint --spec spec.json|URI [--run-dir URI] [--master M] [--explain]
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
  /** Argument of a run that only explains its accelerator's plans ({@code sparkstep explain}): no GPU needed. */
  public static final String EXPLAIN_FLAG = "--explain";

  /**
   * How the entrypoint treats the JVM it runs in.
   *
   * @param stopSparkWhenDone stop the SparkSession at the end, as a driver process must; an embedding JVM (a test
   *     running several steps on one session) keeps it
   */
  public record Options(boolean stopSparkWhenDone) {
    /** A driver process of its own: what {@link #main} runs. */
    public static final Options DRIVER = new Options(true);
  }

  private final Options options;
  private final CancelToken cancel = new CancelToken();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<SparkSession> running = new AtomicReference<>();
  private volatile String runTag;

  /** One entrypoint runs one step: {@link #run} once, {@link #cancel} from any thread at any time. */
  public StepEntrypoint(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    // First of all: from here a SIGTERM (a platform's stop, kill, pod deletion) ends the run CANCELLED.
    CancelOnSignal signals = CancelOnSignal.install();
    // Before anything logs: every line this process prints goes out scrubbed of the run's secrets.
    ScrubbingPrintStream.install();
    ScrubbedConsoleLogs.install();
    RunSecrets.registerEnvironment();
    StepEntrypoint entrypoint = new StepEntrypoint(Options.DRIVER);
    int code;
    try (signals) {
      if (signals.handlesSignals()) {
        signals.listen(entrypoint::cancel);
      } else {
        // Signals this JVM keeps to itself (-Xrs): cancel while it shuts down, giving the run time to end.
        signals.alsoOnExit(() -> {
          entrypoint.cancel();
          entrypoint.awaitEnd(Duration.ofSeconds(30));
        });
      }
      code = entrypoint.run(args);
    }
    System.out.flush();
    System.err.flush();
    // Under spark-submit a non-zero exit is how the driver reports failure; Runtime.halt would skip hooks.
    System.exit(code);
  }

  /**
   * The one way a run is cancelled, whoever asks (a signal, the JVM shutting down, an embedding caller), from any
   * thread, before or during {@link #run}; returns at once. Before the step starts, the run sees the request at its
   * next stage and records CANCELLED without starting the step; while it runs, its Spark jobs are cancelled, again
   * each second until the run ends (a job the step submits just after the request goes too), and the runner aborts
   * the outputs and records CANCELLED. A second call does nothing.
   */
  public void cancel() {
    if (!cancel.request()) {
      return;
    }
    Thread jobs = new Thread(this::cancelJobsUntilTheRunEnds, "sparkstep-cancel-jobs");
    jobs.setDaemon(true);
    jobs.start();
  }

  private void cancelJobsUntilTheRunEnds() {
    try {
      while (finished.getCount() > 0) {
        SparkSession session = running.get();
        if (session != null && runTag != null) {
          session.sparkContext().cancelJobsWithTag(runTag);
        }
        finished.await(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException stopped) {
      // the SparkContext is stopping: its jobs end with it
    }
  }

  private void awaitEnd(Duration timeout) {
    try {
      finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a step from arguments and the environment; returns the contract exit code. Once per entrypoint. */
  public int run(String[] args) {
    try {
      return runOnce(args);
    } finally {
      finished.countDown();
    }
  }

  private int runOnce(String[] args) {
    Arguments arguments;
    StepSpec spec;
    try {
      arguments = Arguments.parse(args);
      spec = readSpec(arguments);
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
      Accelerators.of(spec);
    } catch (InvalidSpecException | IllegalArgumentException e) {
      System.err.println("sparkstep: invalid input: " + e.getMessage());
      return ExitCode.INVALID_INPUT;
    } catch (IOException e) {
      System.err.println("sparkstep: cannot read the spec: " + e.getMessage());
      return ExitCode.INVALID_INPUT;
    }
    runTag = StepRunner.runTag(spec.runId);
    String host = hostName();
    CurrentRecord record = new CurrentRecord(new RunRecord(spec.runId, spec.step,
        spec.operator == null ? null : spec.operator.name, spec.operator == null ? null : spec.operator.flavor)
        .started(null, host, null, null));
    RunDirRecordWriter writer = new RunDirRecordWriter(spec.runDir);
    // From here a cancel ends the run CANCELLED; the first record says so to whoever watches (Spark takes seconds).
    writer.write(record.get(), null);
    if (cancel.isRequested()) {
      return cancelledBeforeStep(record, writer);
    }
    SparkStart started = startSpark(spec, arguments, record, writer);
    if (started.exitCode != null) {
      return started.exitCode;
    }
    running.set(started.spark);
    try {
      if (cancel.isRequested()) {
        return cancelledBeforeStep(record, writer);
      }
      return runStep(started.spark, started.acceleration, spec, record, writer);
    } finally {
      if (options.stopSparkWhenDone()) {
        started.spark.stop();
      }
      started.acceleration.close();
    }
  }

  private static StepSpec readSpec(Arguments arguments) throws IOException {
    StepSpec spec = StepSpecJson.read(arguments.specJson());
    if (arguments.runDir != null) {
      spec.runDir = arguments.runDir;
    }
    if (spec.runId == null) {
      spec.runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    }
    return spec;
  }

  /** Spark and the accelerator ready, or the exit code of why not (the record then says so). */
  private record SparkStart(SparkSession spark, AcceleratorSession acceleration, Integer exitCode) {
  }

  private SparkStart startSpark(StepSpec spec, Arguments arguments, CurrentRecord record,
                                RunDirRecordWriter writer) {
    AcceleratorSession acceleration = null;
    try {
      // Before Spark starts: the accelerator's jars must be loadable when the SparkContext loads its plugins.
      acceleration = AcceleratorSession.start(spec, arguments.explain);
      SparkSession spark = SparkSessionFactory.create(spec, acceleration.plan(), arguments.master != null
          ? arguments.master : SparkSessionFactory.defaultLocalMaster(spec));
      acceleration.attach(spark);
      return new SparkStart(spark, acceleration, null);
    } catch (InvalidSpecException e) {
      System.err.println("sparkstep: invalid input: " + e.getMessage());
      closeQuietly(acceleration);
      failBeforeStep(record, writer, e);
      return new SparkStart(null, null, ExitCode.INVALID_INPUT);
    } catch (Exception e) {
      // Exception, not RuntimeException: Scala code throws checked exceptions (ConnectException to a master) too.
      closeQuietly(acceleration);
      if (cancel.isRequested()) {
        // Spark's start failed because the JVM is shutting down on a signal (or was stopped by it)
        return new SparkStart(null, null, cancelledBeforeStep(record, writer));
      }
      System.err.println("sparkstep: cannot start Spark: " + e);
      failBeforeStep(record, writer, e);
      return new SparkStart(null, null, ExitCode.PLATFORM_ERROR);
    }
  }

  private static void failBeforeStep(CurrentRecord record, RunDirRecordWriter writer, Exception cause) {
    RunRecord.ErrorInfo error = RunRecord.ErrorInfo.of(cause);
    writer.write(record.update(r -> r.failed(error).moved(RunState.FAILED)), null);
  }

  private int runStep(SparkSession spark, AcceleratorSession acceleration, StepSpec spec, CurrentRecord current,
                      RunDirRecordWriter writer) {
    RunState state;
    try {
      state = new StepRunner().run(spark, spec, current, cancel, changed -> {
        RunRecord.AcceleratorInfo coverage = acceleration.info();
        writer.write(current.update(r -> r.accelerated(coverage)), spark);
      });
    } catch (InvalidSpecException e) {
      System.err.println("sparkstep: invalid input: " + e.getMessage());
      return ExitCode.INVALID_INPUT;
    }
    RunRecord record = current.get();
    if (state == RunState.FAILED && record.error != null) {
      System.err.println("sparkstep: step " + spec.step + " failed: " + record.error.message
          + (record.error.rootCause == null ? "" : " (cause: " + record.error.rootCause + ")"));
    } else {
      System.err.println("sparkstep: run " + spec.runId + " " + state + " " + record.view().rowsWritten());
    }
    // Last line of the output: the record, for platforms where only the container's output comes back.
    System.err.println(RECORD_LINE_PREFIX + RunRecordJson.writeLine(record));
    return state.exitCode();
  }

  /** A cancel came before the step started: nothing to abort, the record says CANCELLED. */
  private static int cancelledBeforeStep(CurrentRecord current, RunDirRecordWriter writer) {
    RunRecord record = current.update(r -> r.moved(RunState.CANCELLED));
    writer.write(record, null);
    System.err.println("sparkstep: run " + record.runId + " CANCELLED before the step started");
    System.err.println(RECORD_LINE_PREFIX + RunRecordJson.writeLine(record));
    return ExitCode.CANCELLED;
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

  /**
   * The Hadoop conf Spark will have, from the {@code spark.hadoop.*} system properties (what {@code new SparkConf()}
   * reads, spark-submit's conf included), without loading Spark: the first record is written before Spark starts.
   */
  static Configuration hadoopConfFromSparkConf() {
    return SparkHadoopConf.of(System.getProperties());
  }

  /** Command-line arguments of the entrypoint. */
  static final class Arguments {
    String specPath;
    String specJson;
    String runDir;
    String master;
    boolean explain;

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
          case EXPLAIN_FLAG:
            parsed.explain = true;
            break;
          case "--master":
            parsed.master = require(arg, value);
            i++;
            break;
          default:
            throw new IllegalArgumentException("unknown argument '" + arg
                + "'; usage: StepEntrypoint --spec FILE|URI | --spec-json JSON [--run-dir URI] [--master M]"
                + " [" + EXPLAIN_FLAG + "]");
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
