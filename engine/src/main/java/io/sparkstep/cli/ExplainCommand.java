package io.sparkstep.cli;

import io.sparkstep.spi.CliContext;
import io.sparkstep.spi.CliExtension;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.SubmitOptions;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.spi.util.UserJars;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkstep explain --accelerator rapids|comet --step ...}: what an accelerator would run, and why not, found
 * by running the step on this machine's CPU with the accelerator in its explain mode: RAPIDS plans every query for
 * the GPU and logs its verdicts without a GPU ({@code spark.rapids.sql.mode=explainOnly}); Comet runs and records why
 * it left an operator to Spark. Outputs go to a scratch directory that is deleted afterwards; the user's outputs are
 * never written. Takes the same arguments as {@code run}; give it a small input, it executes the step.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Show which operators of a step an accelerator runs and why not, by running it locally on the CPU "
        + "(RAPIDS in explain-only mode, Comet with its fallback reasons); outputs go to a scratch directory.")
public final class ExplainCommand implements Callable<Integer>, CliExtension {
  @Mixin
  StepArguments step;

  @Option(names = "--json", description = "Print the coverage as JSON (for benchmarks and scripts).")
  boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long, e.g. PT20M.")
  Duration timeout = Duration.ofMinutes(30);

  @Override
  public Object command(CliContext context) {
    return new ExplainCommand();
  }

  @Override
  public Integer call() throws Exception {
    StepSpec spec = step.toSpec();
    Accelerator accelerator = Accelerator.byId(Accelerators.nameOf(spec));
    if (accelerator != Accelerator.RAPIDS && accelerator != Accelerator.COMET) {
      throw new InvalidSpecException("--accelerator", "explain needs an accelerator, got '"
          + Accelerators.nameOf(spec) + "'",
          "use --accelerator rapids (GPU) or --accelerator comet (native CPU)");
    }
    Path scratch = Files.createTempDirectory("sparkstep-explain-");
    try {
      redirectOutputs(spec, scratch);
      StepRun run = SparkstepCli.submitter().submit(OperatorStore.DEFAULT_OPERATOR, spec,
          SubmitOptions.FOLLOWED.withExplain(true));
      System.err.println("explain run " + run.id() + ": running " + spec.step + " on the CPU with " + accelerator.id()
          + (accelerator == Accelerator.RAPIDS ? " in explain-only mode" : ""));
      RunState state;
      try {
        state = run.await(timeout);
      } catch (TimeoutException e) {
        run.cancel();
        System.err.println("sparkstep: explain run " + run.id() + " did not finish in " + timeout + "; cancelled");
        return ExitCode.PLATFORM_ERROR;
      }
      RunRecord record = SparkstepCli.submitter().runs().load(run.id()).orElseThrow();
      if (state != RunState.SUCCEEDED || record.accelerator == null || record.accelerator.operatorsTotal == null) {
        String why = record.error == null ? "no plan coverage was recorded" : record.error.message;
        System.err.println("sparkstep: explain run " + run.id() + " " + state + ": " + why);
        System.err.println("  logs: sparkstep runs logs " + run.id());
        return state == RunState.SUCCEEDED ? ExitCode.PLATFORM_ERROR : state.exitCode();
      }
      if (json) {
        printJson(spec, run.id(), record.accelerator, System.out);
      } else {
        printReport(spec, record.accelerator, System.out);
      }
      return ExitCode.SUCCEEDED;
    } finally {
      deleteRecursively(scratch);
    }
  }

  /** Every output the step declares goes to the scratch directory, in the format the user asked for. */
  private static void redirectOutputs(StepSpec spec, Path scratch) {
    Map<String, ArtifactSpec> outputs = new LinkedHashMap<>();
    for (String name : new StepCatalog(UserJars.loader(UserJars.collect(spec.jars,
        System.getenv(), null, SparkstepHome.resolve()))).resolve(spec.step).describe().outputs().keySet()) {
      ArtifactSpec given = spec.outputs.get(name);
      outputs.put(name, new ArtifactSpec(scratch.resolve(name).toUri().toString(), given == null ? null : given.format,
          null));
    }
    spec.outputs = outputs;
  }

  static void printReport(StepSpec spec, RunRecord.AcceleratorInfo info, PrintStream out) {
    out.println(info.name + " plan for " + spec.step + " ('+' accelerated, '-' stays on Spark's CPU path):");
    for (RunRecord.AcceleratorInfo.PlanEntry entry : info.plan) {
      String indent = "  ".repeat(Math.min(entry.depth, 30) + 1);
      String kind = "expression".equals(entry.kind) ? "expr " : "";
      out.println(indent + (entry.accelerated ? "+ " : "- ") + kind + entry.name
          + (entry.accelerated ? "" : "  -- " + entry.reason));
    }
    out.println(summary(info));
  }

  static String summary(RunRecord.AcceleratorInfo info) {
    String line = info.operatorsAccelerated + " of " + info.operatorsTotal + " operators accelerated";
    if (info.expressionsTotal != null) {
      line += ", " + info.expressionsAccelerated + " of " + info.expressionsTotal + " expressions";
    }
    return line + " (" + info.name + ")";
  }

  private static void printJson(StepSpec spec, String runId, RunRecord.AcceleratorInfo info, PrintStream out)
      throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("step", spec.step);
    report.put("runId", runId);
    report.put("accelerator", info.name);
    report.put("operatorsAccelerated", info.operatorsAccelerated);
    report.put("operatorsTotal", info.operatorsTotal);
    report.put("expressionsAccelerated", info.expressionsAccelerated);
    report.put("expressionsTotal", info.expressionsTotal);
    report.put("notAccelerated", info.notAccelerated);
    report.put("plan", info.plan);
    out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(report));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
