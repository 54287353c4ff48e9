package io.sparkstep.bench;

import io.sparkstep.spi.util.JavaCommand;
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
 * {@code bench --suite cli}: the cost of a CLI run as the user pays it. Whole processes, alternating, in rounds:
 * {@code bin/sparkstep run --step bench-groupby} on the local flavor, without and with bin/sparkstep's class-data
 * archive, against {@link BareGroupByApp}, a bare SparkSession Java app doing the same group-by and Parquet write with
 * the same java, Spark flags, heap and class path (the CLI's), so the difference is what Sparkstep does in the
 * process. Wall time from fork to exit, and the CPU time of the process (user + system, from bash's {@code times}),
 * which a loaded machine disturbs far less than wall time. A {@link StartupBreakdown} of one more pair says where
 * the difference goes.
 */
public final class CliRunCost {
  static final String BARE = "bare-app";
  static final String CLI = "sparkstep-cli";
  static final String CLI_CDS = "sparkstep-cli-cds";

  /** {@code rows}: the group-by's input rows (the goal is stated at 10^7); {@code rounds}: alternating rounds. */
  public record Settings(long rows, int warmups, int rounds) {
    public static Settings quick() {
      return new Settings(100_000, 0, 1);
    }

    public static Settings full() {
      return new Settings(10_000_000, 1, 7);
    }
  }

  private final Settings settings;
  private final Path out;
  private final Path work;
  private final List<Measurement> results = new ArrayList<>();

  public CliRunCost(Settings settings, Path out) {
    this.settings = settings;
    this.out = out;
    this.work = out.resolve("work");
  }

  public List<Measurement> run() throws Exception {
    Files.createDirectories(work);
    Path launcher = launcher("cli");
    String heap = childHeap();
    Map<String, Variant> variants = new LinkedHashMap<>();
    variants.put(BARE, new Variant(bareCommand(heap, "bare-out"), Map.of()));
    variants.put(CLI, new Variant(cliCommand(launcher, "cli-out"), cliEnv(work, heap, "off")));
    variants.put(CLI_CDS, new Variant(cliCommand(launcher, "cli-cds-out"), cliEnv(work, heap, "on")));
    prepareArchive(work, variants.get(CLI_CDS));
    List<String> order = new ArrayList<>(variants.keySet());
    for (int i = -settings.warmups(); i < settings.rounds(); i++) {
      // Rotate the order each round, so no variant always runs first (after the machine was idle) or last.
      List<String> round = new ArrayList<>(order.subList(Math.floorMod(i, order.size()), order.size()));
      round.addAll(order.subList(0, Math.floorMod(i, order.size())));
      for (String name : round) {
        long[] wallAndCpu = timed(variants.get(name), name);
        if (i >= 0) {
          record(new Measurement("cli", "groupby-parquet", name, settings.rows(), i, wallAndCpu[0], 0));
          record(new Measurement("cli-cpu", "groupby-parquet", name, settings.rows(), i, wallAndCpu[1], 0));
        }
      }
    }
    StartupBreakdown breakdown = StartupBreakdown.measure(this, variants.get(BARE), variants.get(CLI), work);
    Report.writeCsv(out.resolve("results.csv"), results);
    writeMarkdown(out.resolve("report.md"), breakdown);
    return results;
  }

  /** A command line and its environment: what one side of a pair runs. */
  record Variant(List<String> command, Map<String, String> env) {
    Variant withJvmFlag(String flag) {
      List<String> changed = new ArrayList<>(command);
      Map<String, String> changedEnv = new HashMap<>(env);
      if (env.containsKey("SPARKSTEP_HEAP")) { // bin/sparkstep takes JVM flags from the environment
        changedEnv.merge("SPARKSTEP_JAVA_OPTS", flag, (a, b) -> a + " " + b);
      } else {
        changed.add(1, flag);
      }
      return new Variant(changed, changedEnv);
    }
  }

  /** bin/sparkstep of the Sparkstep this JVM runs (the distribution's layout; a clone's assembled one). */
  static Path launcher(String suite) {
    Path launcher = Path.of(System.getProperty("sparkstep.root", ".")).toAbsolutePath().resolve("bin/sparkstep");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " not found: run the " + suite + " suite from a Sparkstep checkout "
          + "or distribution (bin/sparkstep bench --suite " + suite + ")");
    }
    return launcher;
  }

  /** Heap of every timed process, the bare app's and bin/sparkstep's alike. */
  static String childHeap() {
    return System.getenv().getOrDefault("SPARKSTEP_BENCH_CHILD_HEAP", "2g");
  }

  /**
   * The archive bin/sparkstep saves on its first run, in a directory of the benchmark's own ({@link #cliEnv}): made
   * (and kept) before the timed processes by two runs of {@code firstRun}, a {@code run} command with
   * SPARKSTEP_CDS=on, so every timed process maps it, as every command after a user's first run does.
   */
  static void prepareArchive(Path work, Variant firstRun) throws IOException, InterruptedException {
    Path archiveDir = work.resolve("cds");
    if (!Files.isDirectory(archiveDir) || !hasArchive(archiveDir)) {
      timed(work, firstRun, "cds-save");
      timed(work, firstRun, "cds-check"); // this one moves the saved archive into place and maps it
      if (!hasArchive(archiveDir)) {
        throw new IllegalStateException("bin/sparkstep saved no class-data archive under " + archiveDir);
      }
    }
  }

  private static boolean hasArchive(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
    }
  }

  private void record(Measurement m) {
    results.add(m);
    System.err.println("bench: " + m.mode() + " " + m.variant() + " rows=" + m.rows() + " rep=" + m.rep() + " "
        + m.millis() + " ms");
  }

  /** bin/sparkstep's environment: heap, a home and a class-data archive directory under {@code work}. */
  static Map<String, String> cliEnv(Path work, String heap, String cds) {
    return Map.of("SPARKSTEP_HEAP", heap, "SPARKSTEP_HOME", work.resolve("home").toString(), "SPARKSTEP_CDS", cds,
        "SPARKSTEP_CDS_DIR", work.resolve("cds").toString());
  }

  private List<String> cliCommand(Path launcher, String output) {
    return List.of(launcher.toString(), "run", "--step", "bench-groupby", "--param", "rows=" + settings.rows(),
        "--output", "out=" + work.resolve(output).toUri(), "--overwrite", "--no-logs");
  }

  private List<String> bareCommand(String heap, String output) {
    List<String> command = JavaCommand.forMainClass(BareGroupByApp.class.getName(),
        List.of("-Xmx" + heap, "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile", "")));
    command.add(Long.toString(settings.rows()));
    command.add(work.resolve(output).toUri().toString());
    return command;
  }

  /**
   * Runs one variant to its exit under bash, whose {@code times} then prints the CPU time of the child; returns wall
   * and CPU milliseconds.
   */
  long[] timed(Variant variant, String logName) throws IOException, InterruptedException {
    return timed(work, variant, logName);
  }

  /** As {@link #timed(Variant, String)}, its output and times kept under {@code work}. */
  static long[] timed(Path work, Variant variant, String logName) throws IOException, InterruptedException {
    Path log = work.resolve("last-" + logName + ".log");
    Path times = work.resolve("last-" + logName + ".times");
    // bash runs the command, then its `times` writes the children's CPU time to fd 3, apart from the child's output.
    List<String> command = new ArrayList<>(List.of("bash", "-c", "exec 3>\"$0\"; \"$@\"; rc=$?; times >&3; exit $rc",
        times.toString()));
    command.addAll(variant.command());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(variant.env());
    long start = System.nanoTime();
    int exit = builder.start().waitFor();
    long wall = (System.nanoTime() - start) / 1_000_000;
    if (exit != 0) {
      throw new IllegalStateException(logName + " exited " + exit + "; see " + log);
    }
    return new long[] {wall, childCpuMillis(Files.readAllLines(times))};
  }

  /** bash's {@code times}: line 1 the shell's own user and system time, line 2 its children's ({@code 0m21.710s}). */
  static long childCpuMillis(List<String> timesOutput) {
    if (timesOutput.size() < 2) {
      throw new IllegalStateException("no CPU times from bash: " + timesOutput);
    }
    long total = 0;
    for (String field : timesOutput.get(1).trim().split("\\s+")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s").matcher(field);
      if (!m.matches()) {
        throw new IllegalStateException("not a bash times field: " + field);
      }
      total += Long.parseLong(m.group(1)) * 60_000 + Math.round(Double.parseDouble(m.group(2)) * 1000);
    }
    return total;
  }

  private void writeMarkdown(Path file, StartupBreakdown breakdown) throws IOException {
    StringBuilder md = new StringBuilder("# Cost of a CLI run: bin/sparkstep run vs a bare SparkSession app\n\n");
    md.append(String.format(Locale.ROOT, "Whole processes, %d rounds after %d warm-up round(s), the order rotated each "
        + "round; a %d-row group-by and Parquet write; same java, Spark flags, heap and class path. `%s`: bin/sparkstep "
        + "with SPARKSTEP_CDS=off; `%s`: bin/sparkstep with the class-data archive its first run saved.%n%n",
        settings.rounds(), settings.warmups(), settings.rows(), CLI, CLI_CDS));
    for (String mode : List.of("cli", "cli-cpu")) {
      md.append(mode.equals("cli") ? "## Wall time, fork to exit (ms)\n\n" : "\n## CPU time of the process, user + "
          + "system (ms)\n\n");
      md.append("| variant | reps | min | median | max | median / bare-app | per-round ratios |\n"
          + "|---|---|---|---|---|---|---|\n");
      List<Measurement> bare = of(mode, BARE);
      for (String variant : List.of(BARE, CLI, CLI_CDS)) {
        List<Measurement> list = of(mode, variant);
        List<String> perRound = new ArrayList<>();
        for (Measurement m : list) {
          bare.stream().filter(b -> b.rep() == m.rep()).findFirst()
              .ifPresent(b -> perRound.add(String.format(Locale.ROOT, "%.3f", (double) m.millis() / b.millis())));
        }
        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %s | %s |%n", variant, list.size(),
            list.stream().mapToLong(Measurement::millis).min().orElse(0), Measurement.median(list),
            list.stream().mapToLong(Measurement::millis).max().orElse(0),
            Measurement.ratio(Measurement.median(list), Measurement.median(bare)), String.join(", ", perRound)));
      }
    }
    md.append('\n').append(breakdown.markdown());
    Files.writeString(file, md.toString());
  }

  private List<Measurement> of(String mode, String variant) {
    return results.stream().filter(m -> m.mode().equals(mode) && m.variant().equals(variant)).toList();
  }
}
