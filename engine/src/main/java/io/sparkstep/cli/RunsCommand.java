package io.sparkstep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.lineage.LineageGraph;
import io.sparkstep.lineage.LineageReader;
import io.sparkstep.lineage.LineageText;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparkstep runs list|status|logs|cancel|lineage}: read run records, reattaching to the platform where needed. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Runs: list, status, logs, cancel, lineage.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Status.class, RunsCommand.Logs.class, RunsCommand.Cancel.class,
        RunsCommand.Lineage.class})
final class RunsCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
  static final class ListRuns implements Callable<Integer> {
    @Option(names = "--limit", defaultValue = "20")
    int limit;

    @Option(names = "--metric", paramLabel = "NAME", description = "Show this metric of each run that recorded it "
        + "(repeatable; NAME.KEY picks one entry of a map metric), to compare runs; runs without it are left out.")
    List<String> metrics = List.of();

    @Override
    public Integer call() {
      List<Integer> widths = new ArrayList<>(List.of(24, 10, 14, 12));
      metrics.forEach(name -> widths.add(14));
      RunTable table = new RunTable(System.out, widths);
      List<String> header = new ArrayList<>(List.of("RUN", "STATE", "OPERATOR", "DURATION"));
      metrics.forEach(name -> header.add(name.toUpperCase(Locale.ROOT)));
      header.add("STEP");
      table.row(header);
      SparkstepCli.submitter().runs().list().stream().map(RunRecord::view)
          .filter(r -> metrics.stream().allMatch(name -> MetricFormat.select(r.metrics(), name) != null))
          .limit(limit).map(ListRuns::current).forEach(r -> {
            List<Object> cells = new ArrayList<>(Arrays.asList(r.runId(), r.state(), r.operator(),
                r.duration() == null ? "-" : String.format("%.1fs", r.duration().toMillis() / 1000.0)));
            metrics.forEach(name -> cells.add(MetricFormat.value(MetricFormat.select(r.metrics(), name))));
            cells.add(r.step());
            table.row(cells);
          });
      return 0;
    }

    /**
     * A run not final in its record is asked of its platform (and what it learns is stored), so a run nobody follows
     * still shows its true state. A run whose operator is gone shows what was stored.
     */
    private static RunRecordView current(RunRecordView stored) {
      if (stored.state() != null && stored.state().isFinal()) {
        return stored;
      }
      try {
        StepRun run = SparkstepCli.submitter().attach(stored.runId());
        run.state();
        return run.record();
      } catch (RuntimeException | LinkageError e) {
        // LinkageError: its flavor's plugin is broken; the other runs are still listed
        return stored;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a run's state and record.")
  static final class Status implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--json", description = "Print the whole run record as JSON.")
    boolean json;

    @Override
    public Integer call() {
      StepRun run = SparkstepCli.submitter().attach(runId);
      run.state();
      if (json) {
        System.out.println(run.record().toJson());
      } else {
        RunCommand.printSummary(run.record(), System.out);
      }
      return 0;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a run's log; --follow streams it until the run ends.")
  static final class Logs implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Option(names = {"-f", "--follow"})
    boolean follow;

    @Override
    public Integer call() {
      StepRun run = SparkstepCli.submitter().attach(runId);
      run.logs(follow).forEach(System.out::println);
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a run; nothing it wrote is committed.")
  static final class Cancel implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--wait", defaultValue = "PT2M", description = "How long to wait for the run to stop.")
    Duration wait;

    @Override
    public Integer call() throws Exception {
      StepRun run = SparkstepCli.submitter().attach(runId);
      if (run.state().isFinal()) {
        System.out.println("run " + runId + " already " + run.state());
        return 0;
      }
      run.cancel();
      RunState state = run.await(wait);
      System.out.println("run " + runId + " " + state);
      return 0;
    }
  }

  @Command(name = "lineage", mixinStandardHelpOptions = true, description = "What produced what from what: a run's "
      + "inputs (each with the run that produced it), the run and its outputs, with their snapshots; given a pipeline "
      + "run id, the whole graph of its step runs.")
  static final class Lineage implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID", description = "A run id, or a pipeline run id.")
    String runId;

    @Option(names = "--json", description = "Print the graph as JSON: runs, datasets and edges.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      LineageGraph graph = LineageReader.of(SparkstepCli.submitter().runs()).lineage(runId);
      if (json) {
        System.out.println(SparkstepCli.scrub(new ObjectMapper().writerWithDefaultPrettyPrinter()
            .writeValueAsString(graph)));
      } else {
        System.out.print(SparkstepCli.scrub(LineageText.render(graph)));
      }
      return 0;
    }
  }
}
