package io.sparkstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench --quick` end to end: the CSV parses, every mode has rows, charts are PNGs, the report's ratios are the CSV's. */
@Tag("slow")
class QuickBenchmarkTest {
  @TempDir
  Path tmp;

  @Test
  void quickRunProducesConsistentReport() throws Exception {
    new BenchmarkRunner(BenchmarkRunner.Settings.quick(), tmp).run(false);
    List<Measurement> rows = Report.readCsv(tmp.resolve("results.csv"));
    Set<String> modes = rows.stream().map(Measurement::mode).collect(Collectors.toSet());
    assertTrue(modes.containsAll(List.of("overhead", "latency", "scaling")), modes.toString());
    assertTrue(rows.stream().allMatch(m -> m.millis() > 0), "every repetition was timed");
    for (String chart : List.of("accelerators.png", "overhead.png", "latency.png", "scaling.png")) {
      BufferedImage image = ImageIO.read(tmp.resolve(chart).toFile());
      assertNotNull(image, chart + " is a PNG");
      assertEquals(900, image.getWidth());
    }
    String report = Files.readString(tmp.resolve("report.md"));
    for (String mode : List.of("overhead", "latency", "accelerator")) {
      String[] variants = mode.equals("overhead") ? new String[] {"bare", "sparkstep"}
          : mode.equals("latency") ? new String[] {"raw", "sparkstep"} : new String[] {"vanilla", "comet"};
      for (Map.Entry<String, Map<String, Double>> w : Report.medians(rows, mode).entrySet()) {
        Double base = w.getValue().get(variants[0]);
        Double other = w.getValue().get(variants[1]);
        if (base != null && other != null) {
          String expected = Measurement.ratio(other, base);
          assertTrue(report.lines().anyMatch(l -> l.startsWith("| " + w.getKey() + " |") && l.contains("| " + expected + " |")),
              mode + " " + w.getKey() + " ratio " + expected + " in report:\n" + report);
        }
      }
    }
    assertTrue(report.contains(String.format(java.util.Locale.ROOT, "k = %.3f", Report.scalingExponent(rows))));
    Set<String> latencyPaths = rows.stream().filter(m -> m.mode().equals("latency")).map(Measurement::workload)
        .collect(Collectors.toSet());
    assertEquals(Set.of("local-in-process", "local-child-jvm"), latencyPaths,
        "launch latency in-process and in a child JVM; --quick leaves the standalone cluster to a full run");
    assertTrue(report.contains("Launch latency on a standalone cluster: not measured in --quick"), report);
    assertTrue(rows.stream().filter(m -> m.mode().equals("overhead")).allMatch(m -> m.sparkJobsMs() > 0
        && m.sparkJobsMs() <= m.millis()), "time inside Spark jobs measured and within the wall time");
    for (Map.Entry<String, double[]> b : Report.breakdown(rows).entrySet()) {
      double[] v = b.getValue();
      String expected = String.format(java.util.Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f |",
          b.getKey(), v[0], v[1], v[2], v[3], v[3] - v[1]);
      assertTrue(report.contains(expected), "breakdown row " + expected + " in report:\n" + report);
    }
    List<Measurement> aggregateComet = rows.stream().filter(m -> m.mode().equals("accelerator")
        && m.workload().equals("bench-aggregate") && m.variant().equals("comet")).toList();
    String spreadRow = String.format(java.util.Locale.ROOT, "| accelerator | bench-aggregate | comet | %d | %d | %d | %.0f | %d |",
        aggregateComet.get(0).rows(), aggregateComet.size(), aggregateComet.stream().mapToLong(Measurement::millis).min().orElseThrow(),
        Measurement.median(aggregateComet), aggregateComet.stream().mapToLong(Measurement::millis).max().orElseThrow());
    assertTrue(report.contains(spreadRow), "min/median/max of the repetitions " + spreadRow + " in report:\n" + report);
    List<GpuEligibility> eligibility = GpuEligibility.read(tmp.resolve("eligibility.csv"));
    assertEquals(List.of("bench-aggregate"), eligibility.stream().map(GpuEligibility::workload).toList());
    GpuEligibility aggregate = eligibility.get(0);
    assertTrue(aggregate.operatorsTotal() > 0 && aggregate.operatorsOnGpu() <= aggregate.operatorsTotal(),
        aggregate.toString());
    assertTrue(report.contains("| bench-aggregate | " + aggregate.rows() + " | " + aggregate.operatorsOnGpu() + " | "
        + aggregate.operatorsTotal() + " |"), "eligibility row in report:\n" + report);
    assertTrue(report.contains("No GPU") || report.contains("GPU is present"), "the report says plainly what ran");
    assertFalse(report.contains("NaN"));
  }
}
