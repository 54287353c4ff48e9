package io.sparkstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TPC-H suite's harness end to end on one query: tiny TPC-H tables, q1 as a vanilla and a Comet child JVM and a
 * RAPIDS explain-only run; the answers agree, the query has its timed repetitions of both variants, the report's
 * geometric mean and ratios are the CSV's, coverage and eligibility are recorded, the chart is a PNG. The harness does
 * the same for every query, so one proves it (q13 of the quick suite went through the same calls); more queries are
 * the benchmark's to run ({@code bench --suite tpch --quick} runs two, a full run all 22), and every query's SQL
 * runs in {@link TpchQueriesTest}.
 */
@Tag("slow")
class TpchQuickBenchmarkTest {
  @TempDir
  Path tmp;

  @Test
  void quickTpchRunChecksAnswersAndReportsRatios() throws Exception {
    // q1 (scan, aggregate, sort), a warm-up and one timed repetition in each child JVM: the harness's path, not a
    // measurement
    TpchSuite.Settings settings = new TpchSuite.Settings(0.01, List.of(1), 1, 1, 0.01);
    List<TpchSuite.QueryResult> results = new TpchSuite(settings, tmp).run();
    assertEquals(settings.queries(), results.stream().map(TpchSuite.QueryResult::query).toList());
    for (TpchSuite.QueryResult r : results) {
      assertTrue(r.answersAgree(), "q" + r.query() + " answers: " + r.difference());
      assertTrue(r.vanilla().rows() > 0, "q" + r.query() + " returned rows");
      assertNotNull(r.cometOperatorsTotal(), "Comet coverage recorded for q" + r.query());
      assertTrue(r.cometOperators() > 0, "Comet ran some operators of q" + r.query());
      assertNotNull(r.gpuOperatorsTotal(), "RAPIDS eligibility recorded for q" + r.query());
    }
    List<Measurement> rows = Report.readCsv(tmp.resolve("results.csv"));
    for (int q : settings.queries()) {
      for (String variant : List.of("vanilla", "comet")) {
        assertEquals(settings.reps(), rows.stream().filter(m -> m.workload().equals(TpchSuite.workload(q))
            && m.variant().equals(variant)).count(), "timed repetitions of q" + q + " " + variant);
      }
    }
    String report = Files.readString(tmp.resolve("report.md"));
    Map<String, Double> ratios = TpchReport.ratios(rows);
    assertEquals(settings.queries().size(), ratios.size());
    assertTrue(report.contains(String.format(Locale.ROOT, "| geometric mean of Comet/vanilla ratios | %.3f |",
        TpchReport.geometricMean(ratios.values()))), report);
    ratios.forEach((q, r) -> assertTrue(report.lines().anyMatch(l -> l.startsWith("| " + q + " |")
        && l.contains("| " + Measurement.ratio(r, 1) + " |")), q + " ratio in report:\n" + report));
    assertTrue(report.contains("published, not measured here"));
    assertTrue(report.contains("No GPU") , "the report says plainly that no GPU ran");
    assertFalse(report.contains("NaN"));
    BufferedImage chart = ImageIO.read(tmp.resolve("tpch-ratios.png").toFile());
    assertNotNull(chart);
    assertEquals(1000, chart.getWidth());
    assertEquals(settings.queries().size() + 1, Files.readAllLines(tmp.resolve("answers.csv")).size());
  }
}
