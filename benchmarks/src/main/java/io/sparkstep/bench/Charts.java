package io.sparkstep.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of the medians (JFreeChart, headless). */
public final class Charts {
  private Charts() {
  }

  public static void writeAll(Path dir, List<Measurement> ms) throws IOException {
    System.setProperty("java.awt.headless", "true");
    bars(dir.resolve("accelerators.png"), "Vanilla vs Comet (vs GPU when present)", Report.medians(ms, "accelerator"));
    bars(dir.resolve("overhead.png"), "Bare SparkSession vs Sparkstep local flavor", Report.medians(ms, "overhead"));
    bars(dir.resolve("latency.png"), "Launch latency: raw vs Sparkstep", Report.medians(ms, "latency"));
    scaling(dir.resolve("scaling.png"), ms);
  }

  private static void bars(Path file, String title, Map<String, Map<String, Double>> medians) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    medians.forEach((workload, byVariant) -> byVariant.forEach((variant, v) -> data.addValue(v, variant, workload)));
    JFreeChart chart = ChartFactory.createBarChart(title, "workload", "median ms", data, PlotOrientation.VERTICAL,
        true, false, false);
    // Slanted so that long names such as standalone-cluster-polled are shown whole instead of cut to "standalo...".
    chart.getCategoryPlot().getDomainAxis()
        .setCategoryLabelPositions(CategoryLabelPositions.createUpRotationLabelPositions(Math.PI / 12));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
  }

  private static void scaling(Path file, List<Measurement> ms) throws IOException {
    XYSeries series = new XYSeries("trip-features (median ms)");
    Map<Long, List<Measurement>> byRows = ms.stream().filter(m -> m.mode().equals("scaling"))
        .collect(Collectors.groupingBy(Measurement::rows, TreeMap::new, Collectors.toList()));
    byRows.forEach((rows, list) -> series.add((double) rows, Measurement.median(list)));
    JFreeChart chart = ChartFactory.createXYLineChart("Scaling (log-log)", "rows", "median ms",
        new XYSeriesCollection(series), PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(new LogAxis("rows"));
    plot.setRangeAxis(new LogAxis("median ms"));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
  }
}
