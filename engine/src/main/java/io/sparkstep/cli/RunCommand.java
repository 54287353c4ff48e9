package io.sparkstep.cli;

import io.sparkstep.api.ErrorView;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.cache.CacheDecision;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.runtime.CancelOnSignal;
import io.sparkstep.spi.SubmitOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkstep run}: validate, submit, and (unless {@code --detach}) follow the run to its end. Ctrl-C cancels the
 * run; the exit code is the run's (0 succeeded, 1 failed, 4 cancelled).
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a step (default operator: local, embedded Spark).")
final class RunCommand implements Callable<Integer> {
  @Mixin
  StepArguments step;

  @Option(names = "--operator", paramLabel = "NAME", description = "Operator to run on (default: local).")
  String operator = OperatorStore.DEFAULT_OPERATOR;

  @Option(names = "--detach", description = "Print the run id and return; follow with: sparkstep runs logs ID --follow.")
  boolean detach;

  @Option(names = "--logs", negatable = true, description = "Stream the run's log while it runs (default: on for remote "
      + "operators, off for local where progress is shown instead).")
  Boolean logs;

  @Option(names = "--cache", negatable = true, description = "Serve the run from the step cache when an earlier run "
      + "had the same key (step code, params, settings, input snapshots) and its outputs are intact; --no-cache "
      + "overrides a spec's cache: true. Default: off.")
  Boolean cache;

  @Option(names = "--artifact-store", paramLabel = "URI", description = "Artifact store holding the step cache index "
      + "(any Hadoop FS URI; default: <home>/artifacts).")
  String artifactStore;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up waiting (the run goes on), e.g. PT30M.")
  Duration timeout = Duration.ofDays(7);

  @Override
  public Integer call() throws Exception {
    StepSpec spec = step.toSpec();
    if (cache != null) {
      spec.cache = cache;
    }
    if (artifactStore != null) {
      spec.artifactStore = artifactStore;
    }
    String flavor = SparkstepCli.submitter().operators().get(operator).flavor();
    boolean local = "local".equals(flavor);
    if (local && !detach && System.console() != null) {
      spec.sparkConf.putIfAbsent("spark.ui.showConsoleProgress", "true");
    }
    StepRun run = SparkstepCli.submitter().submit(operator, spec, SubmitOptions.FOLLOWED.withDetached(detach));
    PrintStream err = System.err;
    err.println("run " + run.id() + " submitted to operator " + operator + " (" + flavor + ")");
    if (detach) {
      System.out.println(run.id());
      return 0;
    }
    run.addListener(r -> err.println("run " + r.id() + " " + r.state()));
    // Ctrl-C and SIGTERM cancel the run and let this method return its exit code (4), instead of killing the JVM
    // mid-run with 130/143 and Spark's shutdown traces; any other way the JVM ends (SIGHUP, System.exit elsewhere)
    // still cancels the run.
    CancelOnSignal signals = CancelOnSignal.install();
    signals.listen(() -> {
      err.println("cancelling run " + run.id() + " ...");
      run.cancel();
    });
    signals.alsoOnExit(() -> {
      if (!run.state().isFinal()) {
        err.println("cancelling run " + run.id() + " ...");
        run.cancel();
        try {
          run.await(Duration.ofSeconds(60));
        } catch (Exception ignored) {
          // exiting anyway
        }
      }
    });
    boolean streamLogs = logs != null ? logs : !local;
    Thread follower = null;
    if (streamLogs) {
      follower = new Thread(() -> run.logs(true).forEach(line -> err.println("  | " + line)), "sparkstep-log-follower");
      follower.setDaemon(true);
      follower.start();
    }
    RunState state;
    try {
      state = run.await(timeout);
    } catch (TimeoutException e) {
      err.println("run " + run.id() + " still " + run.state() + " after " + timeout + "; it goes on. Follow: sparkstep runs logs "
          + run.id() + " --follow");
      return 3;
    } finally {
      signals.close();
    }
    if (follower != null) {
      follower.join(5000);
    }
    // a run the cache served loads no Spark class, and would make a poor class-data archive
    if (state == RunState.SUCCEEDED && SparkstepCli.submitter().runs().load(run.id())
        .map(stored -> stored.cachedFrom == null).orElse(false)) {
      ClassDataArchive.runSucceeded();
    }
    RunRecordView record = run.record();
    printSummary(record, System.out);
    if (SparkstepCli.verbose() && record.error() != null && record.error().stackTrace() != null) {
      err.print(SparkstepCli.scrub(record.error().stackTrace()));
    }
    return state.exitCode();
  }

  /** The cache's verdict, when the run used the cache: hit from which run, or why it missed. */
  static void printCache(RunRecord record, PrintStream out) {
    printCache(record, out, "  ");
  }

  static void printCache(RunRecord record, PrintStream out, String indent) {
    if (record.cache == null || CacheDecision.OFF.equals(record.cache.outcome)) {
      return;
    }
    out.println(SparkstepCli.scrub(indent + "cache: " + record.cache.outcome
        + (record.cachedFrom == null ? "" : " from run " + record.cachedFrom) + " (" + record.cache.reason + ")"));
  }

  static void printSummary(RunRecordView record, PrintStream out) {
    String took = record.startedAt() != null && record.endedAt() != null
        ? String.format(" in %.1f s", Duration.between(record.startedAt(), record.endedAt()).toMillis() / 1000.0) : "";
    out.println(SparkstepCli.scrub("run " + record.runId() + " " + record.state() + took));
    if (record.state() == RunState.UNKNOWN && record.stateReason() != null) {
      out.println("  platform unreachable: " + record.stateReason());
    }
    // Why a run does not start (a pod no node takes, an image that cannot be pulled), as its flavor saw it.
    if (record.waitingReason() != null) {
      out.println("  waiting: " + record.waitingReason());
    }
    printCache(RunRecordJson.read(record.toJson()), out);
    record.outputs().forEach((name, output) -> out.println("  output " + name + ": " + output.uri() + " ("
        + output.rows() + " rows, " + output.format() + ")"));
    record.models().forEach((name, model) -> out.println("  model " + name + ": " + model.uri() + " ("
        + model.modelClass() + ", Spark " + model.sparkVersion() + ", " + MetricFormat.bytes(model.sizeBytes()) + ")"));
    record.metrics().forEach((name, value) -> out.println("  metric " + name + ": " + MetricFormat.value(value)));
    ErrorView error = record.error();
    if (error != null) {
      out.println(SparkstepCli.scrub("  error: " + SparkstepCli.oneLine(new RuntimeException(error.message()))
          + (error.rootCause() == null ? "" : "\n  cause: " + SparkstepCli.oneLine(new RuntimeException(error.rootCause())))));
      if (record.logUri() != null) {
        out.println("  logs:  " + record.logUri());
      }
    }
    if (record.sparkAppId() != null) {
      out.println("  spark app: " + record.sparkAppId() + (record.sparkUiUrl() == null ? "" : " (" + record.sparkUiUrl() + ")"));
    }
  }
}
