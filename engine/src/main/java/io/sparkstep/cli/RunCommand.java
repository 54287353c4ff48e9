package io.sparkstep.cli;

import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spec.StepSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
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

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up waiting (the run goes on), e.g. PT30M.")
  Duration timeout = Duration.ofDays(7);

  @Override
  public Integer call() throws Exception {
    StepSpec spec = step.toSpec();
    String flavor = SparkstepCli.submitter().operators().get(operator).flavor();
    boolean local = "local".equals(flavor);
    if (detach) {
      spec.labels.put("sparkstep.detach", "true");
    }
    if (local && !detach && System.console() != null) {
      spec.sparkConf.putIfAbsent("spark.ui.showConsoleProgress", "true");
    }
    StepRun run = SparkstepCli.submitter().submit(operator, spec);
    PrintStream err = System.err;
    err.println("run " + run.id() + " submitted to operator " + operator + " (" + flavor + ")");
    if (detach) {
      System.out.println(run.id());
      return 0;
    }
    run.addListener(r -> err.println("run " + r.id() + " " + r.state()));
    // Ctrl-C and SIGTERM cancel the run and let this method return its exit code (4), instead of killing the JVM
    // mid-run with 130/143 and Spark's shutdown traces.
    SignalCancel signals = SignalCancel.install(() -> {
      err.println("cancelling run " + run.id() + " ...");
      run.cancel();
    });
    // Any other way the JVM ends (SIGHUP, System.exit elsewhere) still cancels the run.
    Thread cancelOnExit = new Thread(() -> {
      if (!run.state().isFinal()) {
        err.println("cancelling run " + run.id() + " ...");
        run.cancel();
        try {
          run.await(Duration.ofSeconds(60));
        } catch (Exception ignored) {
          // exiting anyway
        }
      }
    }, "sparkstep-cancel-on-exit");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
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
      Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      signals.close();
      return 3;
    } finally {
      signals.close();
    }
    if (follower != null) {
      follower.join(5000);
    }
    Runtime.getRuntime().removeShutdownHook(cancelOnExit);
    if (state == RunState.SUCCEEDED) {
      ClassDataArchive.runSucceeded();
    }
    printSummary(run.record(), System.out);
    if (SparkstepCli.verbose() && run.record() instanceof io.sparkstep.record.RunRecord full && full.error != null
        && full.error.stackTrace != null) {
      err.print(SparkstepCli.scrub(full.error.stackTrace));
    }
    return state.exitCode();
  }

  static void printSummary(RunRecordView record, PrintStream out) {
    String took = record.startedAt() != null && record.endedAt() != null
        ? String.format(" in %.1f s", Duration.between(record.startedAt(), record.endedAt()).toMillis() / 1000.0) : "";
    out.println(SparkstepCli.scrub("run " + record.runId() + " " + record.state() + took));
    if (record.state() == RunState.UNKNOWN && record.stateReason() != null) {
      out.println("  platform unreachable: " + record.stateReason());
    }
    if (record instanceof io.sparkstep.record.RunRecord full) {
      // Why a run does not start (a pod no node takes, an image that cannot be pulled), as its flavor saw it.
      if (!full.state.isFinal() && full.platform.get("waiting") != null) {
        out.println("  waiting: " + full.platform.get("waiting"));
      }
      for (Map.Entry<String, io.sparkstep.record.RunRecord.OutputInfo> output : full.outputs.entrySet()) {
        if (output.getValue().committed) {
          out.println("  output " + output.getKey() + ": " + output.getValue().uri + " (" + output.getValue().rows + " rows, "
              + output.getValue().format + ")");
        }
      }
      for (Map.Entry<String, io.sparkstep.record.RunRecord.ModelInfo> model : full.models.entrySet()) {
        io.sparkstep.record.RunRecord.ModelInfo info = model.getValue();
        if (info.committed) {
          out.println("  model " + model.getKey() + ": " + info.uri + " (" + info.modelClass + ", Spark "
              + info.sparkVersion + ", " + MetricFormat.bytes(info.sizeBytes) + ")");
        }
      }
      for (Map.Entry<String, Object> metric : full.metrics.entrySet()) {
        out.println("  metric " + metric.getKey() + ": " + MetricFormat.value(metric.getValue()));
      }
      if (full.error != null) {
        out.println(SparkstepCli.scrub("  error: " + SparkstepCli.oneLine(new RuntimeException(full.error.message))
            + (full.error.rootCause == null ? "" : "\n  cause: " + SparkstepCli.oneLine(new RuntimeException(full.error.rootCause)))));
        if (full.logUri != null) {
          out.println("  logs:  " + full.logUri);
        }
      }
      if (full.sparkAppId != null) {
        out.println("  spark app: " + full.sparkAppId + (full.sparkUiUrl == null ? "" : " (" + full.sparkUiUrl + ")"));
      }
    }
  }
}
