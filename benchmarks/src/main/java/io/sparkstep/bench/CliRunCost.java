package io.sparkstep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench --suite cli}: the cost of a CLI run as the user pays it. Whole processes, alternating, in pairs:
 * {@code bin/sparkstep run --step bench-groupby} on the local flavor against {@link BareGroupByApp}, a bare
 * SparkSession Java app doing the same group-by and Parquet write, with the same java, Spark flags, heap and class
 * path (the CLI's), so the difference is what Sparkstep does in the process. Wall time from fork to exit.
 */
public final class CliRunCost {
  /** {@code rows}: the group-by's input rows (the goal is stated at 10^7); {@code pairs}: alternating pairs. */
  public record Settings(long rows, int warmups, int pairs) {
    public static Settings quick() {
      return new Settings(100_000, 0, 1);
    }

    public static Settings full() {
      return new Settings(10_000_000, 1, 7);
    }
  }

  private final Settings settings;
  private final Path out;
  private final List<Measurement> results = new ArrayList<>();

  public CliRunCost(Settings settings, Path out) {
    this.settings = settings;
    this.out = out;
  }

  public List<Measurement> run() throws Exception {
    Files.createDirectories(out);
    Path root = Path.of(System.getProperty("sparkstep.root", ".")).toAbsolutePath();
    Path launcher = root.resolve("bin/sparkstep");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " not found: run the cli suite from a Sparkstep checkout "
          + "(bin/sparkstep bench --suite cli)");
    }
    String heap = System.getenv().getOrDefault("SPARKSTEP_BENCH_CHILD_HEAP", "2g");
    for (int i = -settings.warmups(); i < settings.pairs(); i++) {
      boolean cliFirst = Math.floorMod(i, 2) == 0;
      long cli = 0;
      long bare = 0;
      for (int side = 0; side < 2; side++) {
        if ((side == 0) == cliFirst) {
          cli = timed(cliCommand(launcher, heap, i), Map.of("SPARKSTEP_HEAP", heap,
              "SPARKSTEP_HOME", out.resolve("work/home").toString()));
        } else {
          bare = timed(bareCommand(heap, i), Map.of());
        }
      }
      if (i >= 0) {
        record(new Measurement("cli", "groupby-parquet", "sparkstep-cli", settings.rows(), i, cli, 0));
        record(new Measurement("cli", "groupby-parquet", "bare-app", settings.rows(), i, bare, 0));
      }
    }
    Report.writeCsv(out.resolve("results.csv"), results);
    writeMarkdown(out.resolve("report.md"));
    return results;
  }

  private void record(Measurement m) {
    results.add(m);
    System.err.println("bench: cli " + m.variant() + " rows=" + m.rows() + " rep=" + m.rep() + " " + m.millis() + " ms");
  }

  private List<String> cliCommand(Path launcher, String heap, int i) {
    return List.of(launcher.toString(), "run", "--step", "bench-groupby", "--param", "rows=" + settings.rows(),
        "--output", "out=" + out.resolve("work/cli-out").toUri(), "--overwrite", "--no-logs");
  }

  private List<String> bareCommand(String heap, int i) {
    List<String> command = io.sparkstep.util.JavaCommand.forMainClass(BareGroupByApp.class.getName(),
        List.of("-Xmx" + heap, "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile", "")));
    command.add(Long.toString(settings.rows()));
    command.add(out.resolve("work/bare-out").toUri().toString());
    return command;
  }

  private long timed(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.resolve("work/last-" + (env.isEmpty() ? "bare" : "cli") + ".log").toFile());
    builder.environment().putAll(env);
    Files.createDirectories(out.resolve("work"));
    long start = System.nanoTime();
    Process process = builder.start();
    int exit = process.waitFor();
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (exit != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size()))) + " exited "
          + exit + "; see " + out.resolve("work"));
    }
    return millis;
  }

  private void writeMarkdown(Path file) throws IOException {
    Map<String, Map<String, Double>> medians = Report.medians(results, "cli");
    StringBuilder md = new StringBuilder("# Cost of a CLI run: bin/sparkstep run vs a bare SparkSession app\n\n");
    md.append(String.format(Locale.ROOT, "Whole processes, wall time fork to exit, %d alternating pairs after %d "
        + "warm-up pair(s); %d-row group-by and Parquet write; same java, Spark flags, heap and class path.%n%n",
        settings.pairs(), settings.warmups(), settings.rows()));
    md.append("| variant | reps | min | median | max |\n|---|---|---|---|---|\n");
    for (String variant : List.of("bare-app", "sparkstep-cli")) {
      List<Measurement> list = results.stream().filter(m -> m.variant().equals(variant)).toList();
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %d |%n", variant, list.size(),
          list.stream().mapToLong(Measurement::millis).min().orElse(0), Measurement.median(list),
          list.stream().mapToLong(Measurement::millis).max().orElse(0)));
    }
    Map<String, Double> v = medians.get("groupby-parquet");
    md.append("\nRatio of medians sparkstep-cli / bare-app: ").append(Measurement.ratio(v.get("sparkstep-cli"),
        v.get("bare-app"))).append('\n');
    List<Double> pairRatios = new ArrayList<>();
    for (int i = 0; i < settings.pairs(); i++) {
      final int rep = i;
      long cli = results.stream().filter(m -> m.rep() == rep && m.variant().equals("sparkstep-cli")).findFirst()
          .orElseThrow().millis();
      long bare = results.stream().filter(m -> m.rep() == rep && m.variant().equals("bare-app")).findFirst()
          .orElseThrow().millis();
      pairRatios.add((double) cli / bare);
    }
    md.append("Per-pair ratios: ").append(String.join(", ", pairRatios.stream()
        .map(r -> String.format(Locale.ROOT, "%.3f", r)).toList())).append('\n');
    Files.writeString(file, md.toString());
  }
}
