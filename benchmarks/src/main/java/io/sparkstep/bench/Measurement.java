package io.sparkstep.bench;

import java.util.List;
import java.util.Locale;

/**
 * One timed repetition: the row of results.csv. {@code sparkJobsMs} is the time Spark jobs ran within it (the union of
 * the jobs' intervals, from a SparkListener: what the Spark UI and event log show); 0 where not measured.
 */
public record Measurement(String mode, String workload, String variant, long rows, int rep, long millis, long peakHeapMb,
    long sparkJobsMs) {
  public static final String HEADER = "mode,workload,variant,rows,rep,millis,peak_heap_mb,spark_jobs_ms";

  public Measurement(String mode, String workload, String variant, long rows, int rep, long millis, long peakHeapMb) {
    this(mode, workload, variant, rows, rep, millis, peakHeapMb, 0);
  }

  public String csv() {
    return String.join(",", mode, workload, variant, Long.toString(rows), Integer.toString(rep), Long.toString(millis),
        Long.toString(peakHeapMb), Long.toString(sparkJobsMs));
  }

  public static Measurement parse(String line) {
    String[] f = line.split(",", -1);
    if (f.length != 8) {
      throw new IllegalArgumentException("not a results.csv row: " + line);
    }
    return new Measurement(f[0], f[1], f[2], Long.parseLong(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]),
        Long.parseLong(f[6]), Long.parseLong(f[7]));
  }

  /** Median of the millis of these measurements. */
  public static double median(List<Measurement> ms) {
    double[] v = ms.stream().mapToDouble(Measurement::millis).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  public static String ratio(double a, double b) {
    return String.format(Locale.ROOT, "%.3f", a / b);
  }
}
