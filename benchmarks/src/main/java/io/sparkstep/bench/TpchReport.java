package io.sparkstep.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The TPC-H report: results.csv (one row per timed iteration), answers.csv, eligibility.csv, report.md and
 * tpch-ratios.png. Every figure in report.md is computed here from the rows of results.csv (medians of repetitions).
 */
public final class TpchReport {
  /**
   * Comet's published TPC-H figure, not measured here: the Apache DataFusion Comet README ("22 TPC-H queries against
   * 100 GB of data in Parquet format using a single executor with 8 cores ... reduced from 687 seconds to 302 seconds,
   * a 2.2x speedup"), an earlier Comet release than the 1.2.0 measured here. Comet's current TPC-H page
   * (contributor-guide/benchmark-results/tpc-h.md, Comet 0.15.0 on a 32-executor EKS cluster) gives its figures
   * only as charts.
   */
  public static final double PUBLISHED_SPARK_SECONDS = 687;
  public static final double PUBLISHED_COMET_SECONDS = 302;
  public static final String PUBLISHED_SOURCE = "Apache DataFusion Comet README, TPC-H SF100 (100 GB Parquet), one "
      + "executor with 8 cores: Spark 687 s, Comet 302 s for the 22 queries (https://github.com/apache/datafusion-comet, "
      + "README of an earlier release than 1.2.0; the current page docs/source/contributor-guide/benchmark-results/"
      + "tpc-h.md shows Comet 0.15.0 on a 32-executor EKS cluster as charts only)";

  private TpchReport() {
  }

  /** Comet/vanilla ratio of the medians per query, in query order. */
  public static Map<String, Double> ratios(List<Measurement> ms) {
    Map<String, Double> ratios = new java.util.TreeMap<>();
    Report.medians(ms, "tpch").forEach((q, v) -> {
      if (v.get("vanilla") != null && v.get("comet") != null) {
        ratios.put(q, v.get("comet") / v.get("vanilla"));
      }
    });
    return ratios;
  }

  public static double geometricMean(java.util.Collection<Double> ratios) {
    return Math.exp(ratios.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
  }

  static void write(Path out, TpchSuite.Settings settings, List<Measurement> ms, List<TpchSuite.QueryResult> results,
      List<String> notes) throws IOException {
    Report.writeCsv(out.resolve("results.csv"), ms);
    writeAnswers(out.resolve("answers.csv"), results);
    writeEligibility(out.resolve("eligibility.csv"), results, settings);
    Map<String, Map<String, Double>> medians = Report.medians(ms, "tpch");
    Map<String, Double> ratios = ratios(ms);
    double geomean = geometricMean(ratios.values());
    double vanillaTotal = medians.values().stream().mapToDouble(v -> v.getOrDefault("vanilla", 0.0)).sum();
    double cometTotal = medians.values().stream().mapToDouble(v -> v.getOrDefault("comet", 0.0)).sum();

    StringBuilder md = new StringBuilder("# Sparkstep TPC-H report: vanilla Spark vs Comet\n\n");
    md.append(String.format(Locale.ROOT, "Scale factor %s; %d queries; each query in its own child JVM per variant "
        + "(local flavor, same operator and settings, only `--accelerator comet` differs), who goes first alternating "
        + "by query; inside the child %d warm-up and %d timed iterations of the query (parse, plan, execute, collect "
        + "the answer to the driver). Times are medians of the timed iterations.%n%n", TpchSuite.format(settings.scale()),
        settings.queries().size(), settings.warmups(), settings.reps()));
    md.append("## Machine\n\n| fact | value |\n|---|---|\n");
    MachineFacts.collect().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v)
        .append(" |\n"));

    md.append("\n## Summary\n\n| figure | value |\n|---|---|\n");
    md.append(String.format(Locale.ROOT, "| geometric mean of Comet/vanilla ratios | %.3f |%n", geomean));
    md.append(String.format(Locale.ROOT, "| total vanilla ms (sum of medians) | %.0f |%n", vanillaTotal));
    md.append(String.format(Locale.ROOT, "| total Comet ms (sum of medians) | %.0f |%n", cometTotal));
    md.append(String.format(Locale.ROOT, "| total ratio Comet/vanilla | %.3f |%n", cometTotal / vanillaTotal));
    md.append(String.format(Locale.ROOT, "| queries faster with Comet | %d of %d |%n",
        ratios.values().stream().filter(r -> r < 1).count(), ratios.size()));
    md.append(String.format(Locale.ROOT, "| answers checked and agreeing | %d of %d |%n",
        results.stream().filter(TpchSuite.QueryResult::answersAgree).count(), results.size()));
    md.append(String.format(Locale.ROOT, "| **published, not measured here**: Comet/Spark total | %.3f (%.1fx) |%n",
        PUBLISHED_COMET_SECONDS / PUBLISHED_SPARK_SECONDS, PUBLISHED_SPARK_SECONDS / PUBLISHED_COMET_SECONDS));
    md.append("\nPublished figure source: ").append(PUBLISHED_SOURCE).append(". It is Comet's own measurement on "
        + "other hardware at another scale, shown beside ours for orientation only.\n");

    md.append("\n## Per query\n\n| query | vanilla ms (min/median/max) | Comet ms (min/median/max) | Comet/vanilla | "
        + "answer rows | SF1 reference rows | answers | Comet operators | RAPIDS on GPU (explain) | "
        + "first reasons not on GPU |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (TpchSuite.QueryResult r : results) {
      String q = TpchSuite.workload(r.query());
      Double ratio = ratios.get(q);
      md.append("| ").append(q).append(" | ").append(spread(ms, q, "vanilla")).append(" | ")
          .append(spread(ms, q, "comet")).append(" | ")
          .append(ratio == null ? "not measured" : Measurement.ratio(ratio, 1)).append(" | ")
          .append(r.vanilla().rows()).append(" | ").append(r.referenceRows() == null ? "-" : r.referenceRows())
          .append(" | ").append(r.answersAgree() ? "agree" : "DIFFER: " + r.difference()).append(" | ")
          .append(of(r.cometOperators(), r.cometOperatorsTotal())).append(" | ")
          .append(of(r.gpuOperators(), r.gpuOperatorsTotal())).append(" | ")
          .append(String.join("; ", r.gpuReasons().stream().limit(2).toList()).replace("|", "/")).append(" |\n");
    }

    md.append("\n## Comet fallbacks (operators that stayed on Spark's JVM path, per query, from the run records)\n\n");
    for (TpchSuite.QueryResult r : results) {
      if (!r.cometFallbacks().isEmpty()) {
        md.append("- ").append(TpchSuite.workload(r.query())).append(": ")
            .append(String.join("; ", r.cometFallbacks().stream().limit(4).toList()).replace("|", "/")).append('\n');
      }
    }
    // An empty section reads like a report that lost its data; say that none fell back.
    if (results.stream().allMatch(r -> r.cometFallbacks().isEmpty())) {
      md.append("None: every operator of every query ran on Comet.\n");
    }
    md.append("\n## Checksums (order-independent: hash of text/date columns, sums of numeric columns)\n\n")
        .append("| query | vanilla | Comet |\n|---|---|---|\n");
    results.forEach(r -> md.append("| ").append(TpchSuite.workload(r.query())).append(" | `")
        .append(r.vanilla().checksum()).append("` | `").append(r.comet().checksum()).append("` |\n"));

    md.append("\n## Notes\n\n");
    notes.forEach(n -> md.append("- ").append(n).append('\n'));
    md.append("- Load average (1, 5, 15 min) when this report was written: ").append(loadAverage()).append(" on ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores. Other work on the machine slows both "
        + "variants alike only on average: read the ratios, and their spread, not the absolute times.\n");
    md.append("- No GPU on this machine (").append(MachineFacts.gpuModel()).append("): RAPIDS was ")
        .append("not timed and no GPU time is reported. The RAPIDS column comes from explain-only runs (the RAPIDS ")
        .append("plugin with spark.rapids.sql.mode=explainOnly plans each query on the CPU) at SF ")
        .append(TpchSuite.format(settings.eligibilityScale())).append(": N of M operators it would run on a GPU.\n");
    md.append("\nChart: `tpch-ratios.png` (Comet/vanilla per query, log scale; below 1 Comet is faster).\n");
    Files.writeString(out.resolve("report.md"), md.toString());
    chart(out.resolve("tpch-ratios.png"), ratios, geomean);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String of(Integer n, Integer total) {
    return n == null || total == null ? "not recorded" : n + " of " + total;
  }

  private static String spread(List<Measurement> ms, String q, String variant) {
    List<Measurement> list = ms.stream().filter(m -> m.mode().equals("tpch") && m.workload().equals(q)
        && m.variant().equals(variant)).toList();
    if (list.isEmpty()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%d / %.0f / %d", list.stream().mapToLong(Measurement::millis).min().orElse(0),
        Measurement.median(list), list.stream().mapToLong(Measurement::millis).max().orElse(0));
  }

  private static void writeAnswers(Path file, List<TpchSuite.QueryResult> results) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("query,first_variant,vanilla_rows,comet_rows,sf1_reference_rows,agree,vanilla_checksum,comet_checksum,"
        + "difference");
    results.forEach(r -> lines.add(String.join(",", Integer.toString(r.query()), r.firstVariant(),
        Long.toString(r.vanilla().rows()), Long.toString(r.comet().rows()),
        r.referenceRows() == null ? "" : r.referenceRows().toString(), Boolean.toString(r.answersAgree()),
        '"' + r.vanilla().checksum() + '"', '"' + r.comet().checksum() + '"',
        '"' + (r.difference() == null ? "" : r.difference().replace("\"", "'")) + '"')));
    Files.write(file, lines);
  }

  private static void writeEligibility(Path file, List<TpchSuite.QueryResult> results, TpchSuite.Settings settings)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("query,scale,operators_on_gpu,operators_total,not_on_gpu,comet_operators,comet_operators_total");
    results.forEach(r -> lines.add(String.join(",", Integer.toString(r.query()),
        TpchSuite.format(settings.eligibilityScale()), String.valueOf(r.gpuOperators()),
        String.valueOf(r.gpuOperatorsTotal()), '"' + String.join("; ", r.gpuReasons()).replace("\"", "'") + '"',
        String.valueOf(r.cometOperators()), String.valueOf(r.cometOperatorsTotal()))));
    Files.write(file, lines);
  }

  /** Ratio per query as bars from 1 (parity) on a log axis, with our geometric mean and the published figure. */
  private static void chart(Path file, Map<String, Double> ratios, double geomean) throws IOException {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    ratios.forEach((q, r) -> data.addValue(r, "Comet/vanilla (measured here)", q));
    JFreeChart chart = ChartFactory.createBarChart("TPC-H: Comet / vanilla Spark per query (log scale; < 1 = Comet "
        + "faster)", "query", "ratio", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    LogAxis axis = new LogAxis("Comet / vanilla (median time)");
    axis.setSmallestValue(0.05);
    double lo = Math.min(0.3, ratios.values().stream().mapToDouble(Double::doubleValue).min().orElse(1) * 0.8);
    double hi = Math.max(2.0, ratios.values().stream().mapToDouble(Double::doubleValue).max().orElse(1) * 1.2);
    axis.setRange(lo, hi);
    axis.setNumberFormatOverride(new java.text.DecimalFormat("0.00"));
    plot.setRangeAxis(axis);
    ((BarRenderer) plot.getRenderer()).setBase(1.0);
    ValueMarker ours = new ValueMarker(geomean, new Color(0, 100, 0), new BasicStroke(2f));
    ours.setLabel(String.format(Locale.ROOT, "geometric mean here %.2f", geomean));
    ours.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
    ours.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
    plot.addRangeMarker(ours);
    double published = PUBLISHED_COMET_SECONDS / PUBLISHED_SPARK_SECONDS;
    ValueMarker theirs = new ValueMarker(published, Color.GRAY, new BasicStroke(2f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
    theirs.setLabel(String.format(Locale.ROOT, "PUBLISHED by Comet (SF100, 8 cores, total) %.2f - not measured here",
        published));
    theirs.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
    theirs.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
    plot.addRangeMarker(theirs);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 550);
  }
}
