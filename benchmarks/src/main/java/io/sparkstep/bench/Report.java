package io.sparkstep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * results.csv and report.md from the measurements. Every ratio in the report is computed here from the same rows the
 * CSV holds (medians of the repetitions), so the test can recompute and compare them.
 */
public final class Report {
  private Report() {
  }

  public static void writeCsv(Path file, List<Measurement> ms) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(Measurement.HEADER);
    ms.forEach(m -> lines.add(m.csv()));
    Files.write(file, lines);
  }

  public static List<Measurement> readCsv(Path file) throws IOException {
    return Files.readAllLines(file).stream().skip(1).filter(l -> !l.isBlank()).map(Measurement::parse)
        .collect(Collectors.toList());
  }

  /** Median millis per (workload, variant) of one mode. */
  public static Map<String, Map<String, Double>> medians(List<Measurement> ms, String mode) {
    Map<String, Map<String, Double>> out = new TreeMap<>();
    ms.stream().filter(m -> m.mode().equals(mode))
        .collect(Collectors.groupingBy(Measurement::workload, TreeMap::new, Collectors.groupingBy(Measurement::variant)))
        .forEach((workload, byVariant) -> byVariant.forEach((variant, list) ->
            out.computeIfAbsent(workload, k -> new TreeMap<>()).put(variant, Measurement.median(list))));
    return out;
  }

  /** Least-squares slope of log(millis) over log(rows) of the scaling medians. */
  public static double scalingExponent(List<Measurement> ms) {
    Map<Long, List<Measurement>> byRows = ms.stream().filter(m -> m.mode().equals("scaling"))
        .collect(Collectors.groupingBy(Measurement::rows, TreeMap::new, Collectors.toList()));
    double n = byRows.size();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (Map.Entry<Long, List<Measurement>> e : byRows.entrySet()) {
      double x = Math.log(e.getKey());
      double y = Math.log(Measurement.median(e.getValue()));
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  public static void writeMarkdown(Path file, List<Measurement> ms, List<GpuEligibility> eligibility,
      Map<String, String> facts, List<String> notes) throws IOException {
    StringBuilder md = new StringBuilder("# Sparkstep benchmark report\n\n");
    md.append("Ratios are medians of repetitions measured side by side in one run on one machine; absolute times on a ")
        .append("shared machine are noise. Raw rows: `results.csv`.\n\n## Machine\n\n| fact | value |\n|---|---|\n");
    facts.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));

    if (!has(ms, "overhead")) {
      md.append("\n## Engine overhead\n\nNot run in this benchmark (see Notes).\n");
    } else {
      md.append("\n## Engine overhead (Sparkstep local flavor vs the same Spark code on a bare SparkSession)\n\n")
          .append("| workload | rows | bare ms | sparkstep ms | ratio |\n|---|---|---|---|---|\n");
      medians(ms, "overhead").forEach((w, v) -> md.append(row(w, rows(ms, "overhead", w), v.get("bare"), v.get("sparkstep"))));

      md.append("\n### Where the time goes (medians; Spark job time from the listener bus, as the Spark UI shows it)\n\n")
          .append("| workload | bare in jobs ms | bare outside ms | sparkstep in jobs ms | sparkstep outside ms | ")
          .append("extra outside jobs ms |\n|---|---|---|---|---|---|\n");
      breakdown(ms).forEach((w, b) -> md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
          w, b[0], b[1], b[2], b[3], b[3] - b[1])));
    }

    md.append("\n## Accelerators (step time inside the run, vanilla Spark vs Comet)\n\n")
        .append("| workload | rows | vanilla ms | comet ms | ratio comet/vanilla |\n|---|---|---|---|---|\n");
    medians(ms, "accelerator").forEach((w, v) -> md.append(row(w, rows(ms, "accelerator", w), v.get("vanilla"), v.get("comet"))));

    md.append("\n### GPU eligibility (RAPIDS explain-only runs: operators the RAPIDS Accelerator would run on a GPU)\n\n")
        .append("| workload | rows | operators on GPU | operators | not on GPU (first reasons) |\n|---|---|---|---|---|\n");
    eligibility.forEach(e -> md.append("| ").append(e.workload()).append(" | ").append(e.rows()).append(" | ")
        .append(e.operatorsOnGpu()).append(" | ").append(e.operatorsTotal()).append(" | ")
        .append(e.notOnGpu().replace("|", "/")).append(" |\n"));

    if (!has(ms, "latency")) {
      md.append("\n## Launch latency\n\nNot run in this benchmark (see Notes).\n");
    } else {
      md.append("\n## Launch latency (submit to SUCCEEDED of a one-row step vs the raw equivalent)\n\n")
          .append("| path | rows | raw ms | sparkstep ms | ratio |\n|---|---|---|---|---|\n");
      medians(ms, "latency").forEach((w, v) -> md.append(row(w, rows(ms, "latency", w), v.get("raw"), v.get("sparkstep"))));
    }

    if (!has(ms, "scaling")) {
      md.append("\n## Scaling\n\nNot run in this benchmark (see Notes).\n");
    } else {
      md.append("\n## Scaling (trip-features through the local flavor)\n\n| rows | median ms | peak heap MB |\n|---|---|---|\n");
      ms.stream().filter(m -> m.mode().equals("scaling"))
          .collect(Collectors.groupingBy(Measurement::rows, TreeMap::new, Collectors.toList()))
          .forEach((rows, list) -> md.append("| ").append(rows).append(" | ")
              .append(String.format(Locale.ROOT, "%.0f", Measurement.median(list))).append(" | ")
              .append(list.stream().mapToLong(Measurement::peakHeapMb).max().orElse(0)).append(" |\n"));
      md.append(String.format(Locale.ROOT, "%nFitted exponent (time ~ rows^k): k = %.3f%n", scalingExponent(ms)));
    }

    md.append("\n## Spread (every repetition after the warm-up; ms)\n\n")
        .append("| mode | workload | variant | rows | reps | min | median | max |\n|---|---|---|---|---|---|---|---|\n");
    spread(ms).forEach(line -> md.append(line).append('\n'));

    md.append("\n## Notes\n\n");
    notes.forEach(n -> md.append("- ").append(n).append('\n'));
    List<String> charts = new ArrayList<>();
    for (String mode : List.of("accelerator", "overhead", "latency", "scaling")) {
      if (has(ms, mode)) {
        charts.add("`" + (mode.equals("accelerator") ? "accelerators" : mode) + ".png`");
      }
    }
    md.append("\nCharts: ").append(String.join(", ", charts)).append(".\n");
    Files.writeString(file, md.toString());
  }

  /** Whether this run measured {@code mode} at all (bench --workloads runs only the accelerator modes). */
  static boolean has(List<Measurement> ms, String mode) {
    return ms.stream().anyMatch(m -> m.mode().equals(mode));
  }

  /** One table row per mode, workload, variant and row count: repetitions, min, median and max millis. */
  public static List<String> spread(List<Measurement> ms) {
    List<String> rows = new ArrayList<>();
    ms.stream().collect(Collectors.groupingBy(m -> List.of(m.mode(), m.workload(), m.variant(), m.rows()),
        LinkedHashMap::new, Collectors.toList())).forEach((k, list) -> {
          rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %.0f | %d |", k.get(0), k.get(1),
              k.get(2), (Long) k.get(3), list.size(),
              list.stream().mapToLong(Measurement::millis).min().orElse(0), Measurement.median(list),
              list.stream().mapToLong(Measurement::millis).max().orElse(0)));
        });
    return rows;
  }

  /**
   * Per overhead workload, medians of: bare time in Spark jobs, bare time outside them, the same for Sparkstep. The
   * difference of the "outside" columns is what the engine adds around the same Spark jobs.
   */
  public static Map<String, double[]> breakdown(List<Measurement> ms) {
    Map<String, double[]> out = new TreeMap<>();
    ms.stream().filter(m -> m.mode().equals("overhead"))
        .collect(Collectors.groupingBy(Measurement::workload, TreeMap::new, Collectors.groupingBy(Measurement::variant)))
        .forEach((workload, byVariant) -> {
          List<Measurement> bare = byVariant.getOrDefault("bare", List.of());
          List<Measurement> engine = byVariant.getOrDefault("sparkstep", List.of());
          out.put(workload, new double[] {
              medianOf(bare, Measurement::sparkJobsMs), medianOf(bare, m -> m.millis() - m.sparkJobsMs()),
              medianOf(engine, Measurement::sparkJobsMs), medianOf(engine, m -> m.millis() - m.sparkJobsMs())});
        });
    return out;
  }

  private static double medianOf(List<Measurement> ms, java.util.function.ToLongFunction<Measurement> value) {
    double[] v = ms.stream().mapToLong(value).sorted().asDoubleStream().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long rows(List<Measurement> ms, String mode, String workload) {
    return ms.stream().filter(m -> m.mode().equals(mode) && m.workload().equals(workload)).mapToLong(Measurement::rows)
        .max().orElse(0);
  }

  private static String row(String workload, long rows, Double base, Double other) {
    String ratio = base == null || other == null ? "not measured" : Measurement.ratio(other, base);
    return "| " + workload + " | " + rows + " | " + fmt(base) + " | " + fmt(other) + " | " + ratio + " |\n";
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }
}
