package io.sparkstep.bench;

import io.sparkstep.api.StepDescriptor;
import io.sparkstep.bench.CliRunCost.Variant;
import io.sparkstep.pipeline.Pipeline;
import io.sparkstep.pipeline.PipelineArtifact;
import io.sparkstep.pipeline.PipelineFile;
import io.sparkstep.pipeline.PipelineStep;
import io.sparkstep.spec.StepCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench --suite pipeline}: what a pipeline saves a user who would otherwise chain {@code run} commands. The
 * sample pipeline (examples/pipelines/fares.yaml: generate-trips, trip-features, train-fare-model, score-trips) at two
 * sizes of its {@code rows} parameter, as one {@code bin/sparkstep pipeline run} against the same four steps with the
 * same parameters as four {@code bin/sparkstep run} commands one after the other, each reading the outputs of the one
 * before: whole processes (with {@link CliRunCost}'s machinery: same launcher, heap, home and class-data archive),
 * in pairs whose order alternates. Wall time fork to exit (all four processes for the runs), CPU time of the
 * processes, and the time from the fork to the first Spark job ({@link FirstJobStamp}) of the pipeline and of the
 * first run.
 */
public final class PipelineRunCost {
  static final String PIPELINE = "pipeline-run";
  static final String RUNS = "four-runs";
  static final String SAMPLE = "examples/pipelines/fares.yaml";
  /** The goal for the wall ratio pipeline / four runs: one JVM and one SparkSession instead of four. */
  static final double GOAL = 0.80;

  /** {@code sizes}: values of generate-trips' {@code rows}; {@code pairs}: timed pairs per size after the warm-ups. */
  public record Settings(List<Long> sizes, int warmups, int pairs) {
    public static Settings quick() {
      return new Settings(List.of(10_000L, 50_000L), 0, 5);
    }

    /** The sample's own size (200 000 trips) and a tenth of it. */
    public static Settings full() {
      return new Settings(List.of(20_000L, 200_000L), 1, 7);
    }

    public Settings withPairs(int pairs) {
      return new Settings(sizes, warmups, pairs);
    }
  }

  private final Settings settings;
  private final Path out;
  private final Path work;
  private final List<Measurement> results = new ArrayList<>();

  public PipelineRunCost(Settings settings, Path out) {
    this.settings = settings;
    this.out = out;
    this.work = out.resolve("work");
  }

  public List<Measurement> run() throws Exception {
    Files.createDirectories(work);
    Path launcher = CliRunCost.launcher("pipeline");
    Path samplePath = sampleFile();
    String heap = CliRunCost.childHeap();
    Map<Long, Variant> pipelines = new LinkedHashMap<>();
    Map<Long, List<Variant>> runs = new LinkedHashMap<>();
    for (long rows : settings.sizes()) {
      Pipeline pipeline = PipelineFile.read(samplePath);
      pipeline.artifactStore = work.resolve("artifacts").toUri().toString();
      // Every repetition computes: the step cache would serve all but the first pipeline run (docs/cache.md).
      pipeline.cache = false;
      PipelineStep trips = pipeline.steps.stream().filter(s -> s.step.equals("generate-trips")).findFirst()
          .orElseThrow(() -> new IllegalStateException(SAMPLE + " has no generate-trips step to size"));
      trips.params.put("rows", rows);
      Path file = work.resolve("fares-" + rows + ".json");
      Files.writeString(file, PipelineFile.writeJson(pipeline));
      pipelines.put(rows, new Variant(List.of(launcher.toString(), "pipeline", "run", file.toString()),
          env(heap, processName(PIPELINE, rows, 0))));
      runs.put(rows, runCommands(pipeline, launcher, heap, rows));
    }
    CliRunCost.prepareArchive(work, runs.get(settings.sizes().get(0)).get(0));
    for (long rows : settings.sizes()) {
      for (int i = -settings.warmups(); i < settings.pairs(); i++) {
        // Alternate who goes first, so neither side always runs after the other warmed the page cache, or first.
        boolean pipelineFirst = Math.floorMod(i, 2) == 0;
        for (String side : pipelineFirst ? List.of(PIPELINE, RUNS) : List.of(RUNS, PIPELINE)) {
          List<Variant> processes = side.equals(PIPELINE) ? List.of(pipelines.get(rows)) : runs.get(rows);
          long[] wallCpuFirstJob = timedInTurn(processes, side, rows);
          if (i >= 0) {
            record(new Measurement("pipeline", "fares", side, rows, i, wallCpuFirstJob[0], 0));
            record(new Measurement("pipeline-cpu", "fares", side, rows, i, wallCpuFirstJob[1], 0));
            record(new Measurement("first-job", "fares", side, rows, i, wallCpuFirstJob[2], 0));
          }
        }
      }
      // Written after each size, so a run cut short still reports what it measured.
      Report.writeCsv(out.resolve("results.csv"), results);
      writeMarkdown(out.resolve("report.md"));
    }
    for (long rows : settings.sizes()) {
      System.out.println(String.format(Locale.ROOT, "pipeline suite, %d rows: wall %s / %s = %.3f (goal <= %.2f), "
          + "CPU %.3f; fork to first Spark job: %s %.0f ms, %s %.0f ms", rows, PIPELINE, RUNS,
          medianRatio("pipeline", rows), GOAL, medianRatio("pipeline-cpu", rows), PIPELINE,
          Measurement.median(of("first-job", PIPELINE, rows)), RUNS, Measurement.median(of("first-job", RUNS, rows))));
    }
    return results;
  }

  private double medianRatio(String mode, long rows) {
    return Measurement.median(of(mode, PIPELINE, rows)) / Measurement.median(of(mode, RUNS, rows));
  }

  /**
   * Runs {@code processes} one after the other, each to its exit; returns the wall time from the first fork to the
   * last exit, the processes' CPU time, and the time from the first fork to the first process's first Spark job.
   */
  private long[] timedInTurn(List<Variant> processes, String side, long rows)
      throws IOException, InterruptedException {
    for (int p = 0; p < processes.size(); p++) {
      Files.deleteIfExists(stampFile(processName(side, rows, p)));
    }
    long forked = System.currentTimeMillis();
    long start = System.nanoTime();
    long cpu = 0;
    for (int p = 0; p < processes.size(); p++) {
      cpu += CliRunCost.timed(work, processes.get(p), processName(side, rows, p))[1];
    }
    long wall = (System.nanoTime() - start) / 1_000_000;
    Path stamp = stampFile(processName(side, rows, 0));
    if (!Files.exists(stamp)) {
      throw new IllegalStateException(side + " at " + rows + " rows: no Spark job was seen (" + stamp + " missing); "
          + "see " + work.resolve("last-" + processName(side, rows, 0) + ".log"));
    }
    return new long[] {wall, cpu, Long.parseLong(Files.readString(stamp).trim()) - forked};
  }

  /** Names the log, times and first-job stamp of one process of one side at one size. */
  private static String processName(String side, long rows, int index) {
    return side + "-" + rows + "-" + index;
  }

  private Path stampFile(String processName) {
    return work.resolve("first-job-" + processName + ".txt");
  }

  /** CliRunCost's CLI environment (class-data archive on, as users run) plus the first-job listener. */
  private Map<String, String> env(String heap, String processName) {
    Map<String, String> env = new HashMap<>(CliRunCost.cliEnv(work, heap, "on"));
    env.put("SPARKSTEP_JAVA_OPTS", FirstJobStamp.jvmFlags(stampFile(processName)));
    return env;
  }

  /**
   * The pipeline's steps as {@code run} commands, in the file's order: the same step, operator, parameters and Spark
   * conf; every output (as its step declares them) at a URI of its own under work/, overwritten by each pair; an input
   * {@code from: STEP.OUTPUT} reads the URI that step's command wrote.
   */
  private List<Variant> runCommands(Pipeline pipeline, Path launcher, String heap, long rows) {
    StepCatalog catalog = new StepCatalog(PipelineRunCost.class.getClassLoader());
    Map<String, String> written = new HashMap<>();
    List<Variant> commands = new ArrayList<>();
    for (PipelineStep step : pipeline.steps) {
      if (step.resources != null || step.accelerator != null || step.retry != null || !step.jars.isEmpty()) {
        throw new IllegalStateException(SAMPLE + ": step " + step.id + " has settings this suite does not turn into "
            + "run flags (resources, accelerator, retry, jars)");
      }
      List<String> command = new ArrayList<>(List.of(launcher.toString(), "run", "--step", step.step,
          "--operator", pipeline.operatorOf(step), "--overwrite", "--no-logs"));
      step.params.forEach((name, value) -> command.addAll(List.of("--param", name + "=" + value)));
      step.conf.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
      for (Map.Entry<String, PipelineArtifact> input : step.inputs.entrySet()) {
        PipelineArtifact artifact = input.getValue();
        String uri = artifact.fromStep() == null ? artifact.uri
            : written.get(artifact.fromStep() + "." + artifact.fromOutput());
        if (uri == null) {
          throw new IllegalStateException(SAMPLE + ": step " + step.id + " reads " + artifact.from
              + ", which no step before it writes; this suite runs the steps in the file's order");
        }
        command.addAll(List.of("--input", input.getKey() + "=" + uri));
      }
      StepDescriptor descriptor = catalog.resolve(step.step).describe();
      for (String output : descriptor.outputs().keySet()) {
        String uri = work.resolve("runs-out").resolve(Long.toString(rows)).resolve(step.id).resolve(output).toUri()
            .toString();
        written.put(step.id + "." + output, uri);
        command.addAll(List.of("--output", output + "=" + uri));
      }
      commands.add(new Variant(command, env(heap, processName(RUNS, rows, commands.size()))));
    }
    return commands;
  }

  /** The sample pipeline, from the checkout the benchmark runs in (the distribution does not ship examples/). */
  static Path sampleFile() {
    List<Path> starts = List.of(Path.of("").toAbsolutePath(),
        Path.of(System.getProperty("sparkstep.root", ".")).toAbsolutePath());
    for (Path start : starts) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(SAMPLE))) {
          return dir.resolve(SAMPLE);
        }
      }
    }
    throw new IllegalStateException(SAMPLE + " not found above " + starts + ": run the pipeline suite from a "
        + "Sparkstep checkout");
  }

  private void record(Measurement m) {
    results.add(m);
    System.err.println("bench: " + m.mode() + " " + m.variant() + " rows=" + m.rows() + " rep=" + m.rep() + " "
        + m.millis() + " ms");
  }

  private void writeMarkdown(Path file) throws IOException {
    StringBuilder md = new StringBuilder("# Pipelines: one `pipeline run` vs the same four steps as four `run` "
        + "commands\n\n");
    md.append(String.format(Locale.ROOT, "The sample pipeline (`%s`: generate-trips, trip-features, train-fare-model, "
        + "score-trips, its parameters) at each size of generate-trips' `rows`; `%s`: `bin/sparkstep pipeline run` of "
        + "it; `%s`: the same steps and parameters as four `bin/sparkstep run` commands one after the other, each "
        + "reading the outputs of the one before. Whole processes, fork to exit; %d pairs per size after %d warm-up "
        + "pair(s), who goes first alternating; same heap (%s), SPARKSTEP_HOME and class-data archive (saved by a "
        + "`run` before the pairs, as after a user's first run). Ratios of medians and per pair; absolute times on a "
        + "shared machine are noise. Raw rows: `results.csv`.%n%n", SAMPLE, PIPELINE, RUNS, settings.pairs(),
        settings.warmups(), CliRunCost.childHeap()));
    md.append(String.format(Locale.ROOT, "## Wall time, fork to exit (ms); goal: %s / %s <= %.2f%n%n", PIPELINE,
        RUNS, GOAL));
    ratioTable(md, "pipeline", true);
    md.append("\n## CPU time of the processes, user + system (ms)\n\n");
    ratioTable(md, "pipeline-cpu", false);
    md.append("\n## Time from the fork to the first Spark job (ms)\n\nOf the pipeline's process (its first step's "
        + "first job) and of the first `run` process (the same step's first job): what the pipeline's validation of "
        + "all four steps adds before work starts, or saves.\n\n");
    ratioTable(md, "first-job", false);
    md.append("\n## Spread (ms)\n\n| mode | workload | variant | rows | pairs | min | median | max |\n"
        + "|---|---|---|---|---|---|---|---|\n");
    Report.spread(results).forEach(line -> md.append(line).append('\n'));
    Files.writeString(file, md.toString());
  }

  private void ratioTable(StringBuilder md, String mode, boolean withGoal) {
    md.append("| rows | pairs | ").append(PIPELINE).append(" median | ").append(RUNS)
        .append(" median | ratio of medians | per-pair ratios |").append(withGoal ? " goal met |" : "")
        .append("\n|---|---|---|---|---|---|").append(withGoal ? "---|" : "").append('\n');
    for (long rows : settings.sizes()) {
      List<Measurement> pipeline = of(mode, PIPELINE, rows);
      List<Measurement> runs = of(mode, RUNS, rows);
      if (pipeline.isEmpty() || runs.isEmpty()) {
        continue;
      }
      List<String> perPair = new ArrayList<>();
      for (Measurement m : pipeline) {
        runs.stream().filter(r -> r.rep() == m.rep()).findFirst()
            .ifPresent(r -> perPair.add(String.format(Locale.ROOT, "%.3f", (double) m.millis() / r.millis())));
      }
      double ratio = medianRatio(mode, rows);
      md.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.3f | %s |", rows, pipeline.size(),
          Measurement.median(pipeline), Measurement.median(runs), ratio, String.join(", ", perPair)));
      md.append(withGoal ? (ratio <= GOAL ? " yes |" : " no |") : "").append('\n');
    }
  }

  private List<Measurement> of(String mode, String variant, long rows) {
    return results.stream().filter(m -> m.mode().equals(mode) && m.variant().equals(variant) && m.rows() == rows)
        .toList();
  }
}
