package io.sparkstep.cli;

import io.sparkstep.runtime.CancelOnSignal;

import io.sparkstep.api.RunState;
import io.sparkstep.pipeline.Pipeline;
import io.sparkstep.pipeline.PipelineFile;
import io.sparkstep.pipeline.PipelineRunHandle;
import io.sparkstep.pipeline.PipelineRunRecord;
import io.sparkstep.pipeline.PipelineRunStore;
import io.sparkstep.api.PipelineStepState;
import io.sparkstep.pipeline.PipelineSubmitter;
import io.sparkstep.spi.util.SparkstepHome;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.sparkstep.spi.spec.InvalidSpecException;

/**
 * {@code sparkstep pipeline}: run a pipeline file (a DAG of steps, each on its own operator), then list, follow,
 * cancel and resume its runs from any process.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Pipelines: run a file of steps, list, status, logs, cancel, resume.",
    subcommands = {PipelineCommand.RunPipeline.class, PipelineCommand.ListPipelines.class,
        PipelineCommand.Status.class, PipelineCommand.Logs.class, PipelineCommand.Cancel.class,
        PipelineCommand.Resume.class})
final class PipelineCommand {
  private PipelineCommand() {
  }

  static PipelineSubmitter submitter() {
    return new PipelineSubmitter(SparkstepCli.submitter(), SparkstepHome.resolve());
  }

  /** Drives the run in this process to its end (or hands it to a child process with --detach). */
  static int drive(PipelineSubmitter submitter, String id, boolean detach) throws Exception {
    PrintStream err = System.err;
    if (detach) {
      submitter.startDetached(id);
      err.println("pipeline run " + id + " started in its own process; follow: sparkstep pipeline status " + id);
      System.out.println(id);
      return 0;
    }
    PipelineRunHandle run = submitter.start(id);
    err.println("pipeline run " + id + " started");
    Map<String, PipelineStepState> shown = new LinkedHashMap<>();
    run.addListener(r -> run.record().steps.forEach(s -> {
      if (shown.put(s.id, s.state) != s.state && s.state != PipelineStepState.PENDING) {
        err.println("  step " + s.id + " " + s.state + (s.runId == null ? "" : " (run " + s.runId + ")"));
      }
    }));
    // Ctrl-C and SIGTERM cancel the running steps and let this method return the pipeline's exit code.
    CancelOnSignal signals = CancelOnSignal.install();
    signals.listen(() -> {
      err.println("cancelling pipeline run " + id + " ...");
      run.cancel();
    });
    RunState state;
    try {
      state = run.await(Duration.ofDays(7));
    } finally {
      signals.close();
    }
    PipelineRunRecord ended = submitter.observe(id);
    printStatus(ended, System.out);
    if (state == RunState.SUCCEEDED && aStepComputed(ended)) {
      ClassDataArchive.runSucceeded();
    }
    return state.exitCode();
  }

  /** Whether a step ran (a run the cache served loads no Spark class, and would make a poor class-data archive). */
  private static boolean aStepComputed(PipelineRunRecord record) {
    return record.steps.stream().filter(step -> step.runId != null)
        .map(step -> SparkstepCli.submitter().runs().load(step.runId))
        .anyMatch(run -> run.isPresent() && run.get().cachedFrom == null);
  }

  static void printStatus(PipelineRunRecord record, PrintStream out) {
    out.println(SparkstepCli.scrub("pipeline run " + record.id + " (" + record.pipeline + ") " + record.state));
    if (record.error != null) {
      out.println(SparkstepCli.scrub("  error: " + record.error));
    }
    for (PipelineRunRecord.StepEntry step : record.steps) {
      out.println(SparkstepCli.scrub("  step " + step.id + ": " + step.state
          + (step.runId == null ? "" : " (run " + step.runId + ")")
          + (step.error == null || step.state == PipelineStepState.SUCCEEDED ? "" : " - " + step.error)));
      if (step.runId != null) {
        SparkstepCli.submitter().runs().load(step.runId).ifPresent(run -> RunCommand.printCache(run, out, "    "));
      }
      step.outputs.forEach((name, uri) -> out.println("    output " + name + ": " + uri));
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Validate a pipeline file (YAML or JSON) and run it; every problem of the file is listed first.")
  static final class RunPipeline implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--detach", description = "Run in a process of its own; print the pipeline run id and return.")
    boolean detach;

    @Option(names = "--parallelism", paramLabel = "N",
        description = "Steps that run at the same time (default: " + PipelineSubmitter.DEFAULT_PARALLELISM + ").")
    int parallelism = PipelineSubmitter.DEFAULT_PARALLELISM;

    @Option(names = "--operator", paramLabel = "NAME",
        description = "Operator of the steps that name none (replaces the file's operator).")
    String operator;

    @Override
    public Integer call() throws Exception {
      Pipeline pipeline = PipelineFile.read(file);
      PipelineSubmitter submitter = submitter();
      String id = submitter.create(pipeline, operator, parallelism);
      return drive(submitter, id, detach);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List pipeline runs, newest first.")
  static final class ListPipelines implements Callable<Integer> {
    @Override
    public Integer call() {
      PipelineSubmitter submitter = submitter();
      List<PipelineRunRecord> runs = submitter.store().list();
      if (runs.isEmpty()) {
        System.out.println("no pipeline runs; start one with: sparkstep pipeline run FILE");
        return 0;
      }
      RunTable table = new RunTable(System.out, List.of(24, 16, 10, 6));
      table.row(List.of("RUN", "PIPELINE", "STATE", "STEPS", "SUBMITTED"));
      for (PipelineRunRecord run : runs) {
        PipelineRunRecord seen = submitter.observe(run.id);
        long done = seen.steps.stream().filter(s -> s.state == PipelineStepState.SUCCEEDED).count();
        table.row(Arrays.asList(seen.id, seen.pipeline, seen.state, done + "/" + seen.steps.size(), seen.submittedAt));
      }
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a pipeline run and its steps.")
  static final class Status implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN")
    String id;

    @Option(names = "--json", description = "As JSON: id, pipeline, state, error, steps [{id, state, runId, outputs}].")
    boolean json;

    @Override
    public Integer call() {
      PipelineRunRecord record = submitter().observe(id);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", record.id);
        doc.put("pipeline", record.pipeline);
        doc.put("state", record.state);
        doc.put("error", record.error);
        doc.put("submittedAt", record.submittedAt);
        doc.put("endedAt", record.endedAt);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (PipelineRunRecord.StepEntry step : record.steps) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("id", step.id);
          s.put("state", step.state);
          s.put("runId", step.runId);
          s.put("outputs", step.outputs);
          s.put("error", step.error);
          steps.add(s);
        }
        doc.put("steps", steps);
        System.out.println(SparkstepCli.scrub(PipelineRunStore.toJson(doc)));
      } else {
        printStatus(record, System.out);
      }
      return 0;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true,
      description = "Print the logs of a pipeline run's steps (or of one with --step); --follow streams them.")
  static final class Logs implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN")
    String id;

    @Option(names = "--step", paramLabel = "ID", description = "Only this step's log.")
    String step;

    @Option(names = "--follow", description = "Keep printing until the run ends.")
    boolean follow;

    @Override
    public Integer call() throws InterruptedException {
      PipelineSubmitter submitter = submitter();
      PipelineRunRecord record = submitter.observe(id);
      if (step != null && record.step(step).isEmpty()) {
        throw new InvalidSpecException("--step", "pipeline run " + id + " has no step '" + step + "'",
            "its steps: " + record.steps.stream().map(s -> s.id).toList());
      }
      PipelineRunHandle run = submitter.attach(id);
      for (PipelineRunRecord.StepEntry entry : record.steps) {
        if (step != null && !step.equals(entry.id)) {
          continue;
        }
        String runId = entry.runId;
        // Following: a step that has not started yet is waited for, until it starts or the pipeline ends.
        while (follow && runId == null) {
          PipelineRunRecord now = submitter.observe(id);
          PipelineRunRecord.StepEntry current = now.step(entry.id).orElseThrow();
          runId = current.runId;
          if (runId == null && (now.state.isFinal() || current.state.isFinal())) {
            break;
          }
          if (runId == null) {
            Thread.sleep(200);
          }
        }
        if (runId == null) {
          System.out.println("== step " + entry.id + ": not run");
          continue;
        }
        System.out.println("== step " + entry.id + " (run " + runId + ")");
        submitter.steps().attach(runId).logs(follow).forEach(line -> System.out.println(SparkstepCli.scrub(line)));
      }
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a pipeline run: its running steps stop through their flavors, nothing after them starts.")
  static final class Cancel implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN")
    String id;

    @Override
    public Integer call() {
      PipelineRunRecord record = submitter().cancel(id);
      System.out.println("pipeline run " + id + (record.state.isFinal() ? " " + record.state : " cancel requested"));
      return 0;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Run again the failed and cancelled steps of a pipeline run and those after them; succeeded "
          + "steps keep their artifacts.")
  static final class Resume implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN")
    String id;

    @Option(names = "--detach", description = "Resume in a process of its own and return.")
    boolean detach;

    @Option(names = "--parallelism", paramLabel = "N", description = "Steps that run at the same time "
        + "(default: as the run was started).")
    Integer parallelism;

    @Override
    public Integer call() throws Exception {
      PipelineSubmitter submitter = submitter();
      submitter.prepareResume(id, parallelism);
      return drive(submitter, id, detach);
    }
  }
}
