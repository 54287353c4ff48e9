package io.sparkstep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a CLI run's extra time goes before Spark starts, from the JVM's own class-loading log
 * ({@code -Xlog:class+load:file=...:uptime}) of one bare app and one CLI run: when each phase's first class loaded
 * (JVM uptime), and which classes only the CLI loaded, by jar. The log costs both sides alike, so the phases are
 * comparable with each other, not with the timed rounds.
 */
final class StartupBreakdown {
  /** A phase of a CLI run, named by the first class it loads; the phases run in this order. */
  static final Map<String, String> CLI_PHASES = phases();

  private static Map<String, String> phases() {
    Map<String, String> phases = new LinkedHashMap<>();
    phases.put("io.sparkstep.cli.SparkstepCli", "JVM start to main");
    phases.put("io.sparkstep.submit.StepSubmitter", "command line: picocli builds every command's model and parses");
    phases.put("io.sparkstep.registry.FlavorRegistry", "CLI extensions (bench, cluster, explain) found");
    phases.put("io.sparkstep.spi.record.RunStore", "flavors found, plugins (sagemaker, vertex, azureml) in their loaders");
    phases.put("io.sparkstep.spec.SpecValidator", "operator store and spec read (JSON)");
    phases.put("io.sparkstep.flavor.local.InProcessRun", "validation: every listed step described, paths checked");
    phases.put("io.sparkstep.runtime.SparkSessionFactory", "run record written, run log set up (log4j starts)");
    phases.put("org.apache.spark.SparkContext", "Spark settings for the session");
    return phases;
  }

  private static final Pattern LINE = Pattern.compile("^\\[([\\d.]+)s\\]\\s+(\\S+) source: (.*)$");

  private final Map<String, Double> bareFirst;
  private final Map<String, Double> cliFirst;
  private final Map<String, String> cliSource;
  private final Set<String> bareClasses;

  private StartupBreakdown(Map<String, Double> bareFirst, Map<String, Double> cliFirst, Map<String, String> cliSource,
      Set<String> bareClasses) {
    this.bareFirst = bareFirst;
    this.cliFirst = cliFirst;
    this.cliSource = cliSource;
    this.bareClasses = bareClasses;
  }

  static StartupBreakdown measure(CliRunCost cost, CliRunCost.Variant bare, CliRunCost.Variant cli, Path work)
      throws IOException, InterruptedException {
    Path bareLog = work.resolve("classload-bare.log");
    Path cliLog = work.resolve("classload-cli.log");
    Files.deleteIfExists(bareLog);
    Files.deleteIfExists(cliLog);
    cost.timed(bare.withJvmFlag("-Xlog:class+load:file=" + bareLog + ":uptime"), "classload-bare");
    cost.timed(cli.withJvmFlag("-Xlog:class+load:file=" + cliLog + ":uptime"), "classload-cli");
    return parse(Files.readAllLines(bareLog), Files.readAllLines(cliLog));
  }

  static StartupBreakdown parse(List<String> bareLines, List<String> cliLines) {
    Map<String, Double> bareFirst = new LinkedHashMap<>();
    Map<String, String> ignored = new LinkedHashMap<>();
    read(bareLines, bareFirst, ignored);
    Map<String, Double> cliFirst = new LinkedHashMap<>();
    Map<String, String> cliSource = new LinkedHashMap<>();
    read(cliLines, cliFirst, cliSource);
    return new StartupBreakdown(bareFirst, cliFirst, cliSource, new HashSet<>(bareFirst.keySet()));
  }

  private static void read(List<String> lines, Map<String, Double> first, Map<String, String> source) {
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      // Lambdas and other hidden classes have names of their own in every JVM: comparing them says nothing.
      if (m.matches() && !m.group(2).contains("$$Lambda") && !m.group(2).contains("/0x")) {
        first.putIfAbsent(m.group(2), Double.parseDouble(m.group(1)));
        source.putIfAbsent(m.group(2), m.group(3));
      }
    }
  }

  /** JVM uptime in ms when {@code className} first loaded in the CLI run, or -1. */
  long cliMillisAt(String className) {
    Double t = cliFirst.get(className);
    return t == null ? -1 : Math.round(t * 1000);
  }

  long bareMillisAt(String className) {
    Double t = bareFirst.get(className);
    return t == null ? -1 : Math.round(t * 1000);
  }

  /** Classes the CLI run loaded and the bare app did not, counted by the jar (or module) they came from. */
  Map<String, Integer> cliOnlyByOrigin() {
    Map<String, Integer> counts = new TreeMap<>();
    cliSource.forEach((name, source) -> {
      if (!bareClasses.contains(name)) {
        counts.merge(origin(source), 1, Integer::sum);
      }
    });
    return counts;
  }

  static String origin(String source) {
    String s = source.trim();
    int slash = s.lastIndexOf('/');
    String name = slash >= 0 ? s.substring(slash + 1) : s;
    // Versions make the table wide and say nothing here.
    return name.replaceAll("-\\d[\\w.\\-]*\\.jar$", "").replaceAll("\\.jar$", "");
  }

  String markdown() {
    StringBuilder md = new StringBuilder("## Where the difference goes (one more pair, with the JVM's class-loading "
        + "log)\n\n");
    long bareSpark = bareMillisAt("org.apache.spark.SparkContext");
    long cliSpark = cliMillisAt("org.apache.spark.SparkContext");
    md.append(String.format(Locale.ROOT, "JVM start to SparkContext: bare app %d ms, CLI %d ms (%+d ms). Classes "
        + "loaded: bare app %d, CLI %d.%n%n", bareSpark, cliSpark, cliSpark - bareSpark, bareFirst.size(),
        cliFirst.size()));
    md.append("| CLI phase (until the first class of the next) | ms |\n|---|---|\n");
    List<String> marks = new ArrayList<>(CLI_PHASES.keySet());
    long previous = 0;
    for (String mark : marks) {
      long at = cliMillisAt(mark);
      if (at < 0) {
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %s | %d |%n", CLI_PHASES.get(mark), at - previous));
      previous = at;
    }
    md.append("\nClasses only the CLI loaded, by origin (top 12):\n\n| origin | classes |\n|---|---|\n");
    cliOnlyByOrigin().entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12)
        .forEach(e -> md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n"));
    return md.toString();
  }
}
