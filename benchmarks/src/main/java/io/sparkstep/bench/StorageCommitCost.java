package io.sparkstep.bench;

import io.sparkstep.runtime.OutputCommitter;
import io.sparkstep.spi.spec.ArtifactSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench --suite storage}: the engine's commit of one output on the S3 stand-in (Adobe S3Mock, its own process
 * on loopback), the old way (staging beside the URI, renamed onto it: on S3 a copy of every object) against the
 * pointer commit (written once under {@code URI/_sparkstep/runs/RUN}, then a pointer and a commit record), at two
 * sizes. Both write with the S3A magic committer, as every s3a run does. In this JVM, through {@link OutputCommitter}
 * itself: write time (Spark's write of the output, job commit included), commit time (the engine's commit), and what
 * the commit copied, from S3A's own counters ({@code object_copy_requests}, {@code files_copied_bytes}).
 */
public final class StorageCommitCost {
  /** The goal: commit time at most this share of the write time, whatever the size. */
  static final double GOAL = 0.05;

  /** {@code sizes}: rows of the output; {@code reps}: timed repetitions per way and size. */
  public record Settings(List<Long> sizes, int reps) {
    public static Settings quick() {
      return new Settings(List.of(20_000L, 200_000L), 2);
    }

    public static Settings full() {
      return new Settings(List.of(200_000L, 2_000_000L), 3);
    }
  }

  /**
   * One timed commit: {@code commitMs} the switch ({@link OutputCommitter#publish}), {@code cleanupMs} the removal of
   * what it replaced ({@link OutputCommitter#cleanUp}), each with the S3 requests it made ({@link Requests}).
   */
  record Timing(String way, long rows, int rep, long writeMs, long commitMs, long copyRequests, long bytesCopied,
             long outputBytes, Requests commitRequests, long cleanupMs, Requests cleanupRequests) {
    static final String HEADER = "way,rows,rep,write_ms,commit_ms,copy_requests,bytes_copied,output_bytes,commit_write,"
        + "commit_requests,commit_head,commit_get,commit_list,commit_put,commit_delete,cleanup_ms,cleanup_requests";

    double ratio() {
      return writeMs == 0 ? Double.NaN : (double) commitMs / writeMs;
    }

    String csv() {
      return String.join(",", way, Long.toString(rows), Integer.toString(rep), Long.toString(writeMs),
          Long.toString(commitMs), Long.toString(copyRequests), Long.toString(bytesCopied), Long.toString(outputBytes),
          String.format(Locale.ROOT, "%.4f", ratio()), Long.toString(commitRequests.total()),
          Long.toString(commitRequests.head()), Long.toString(commitRequests.get()),
          Long.toString(commitRequests.list()), Long.toString(commitRequests.put()),
          Long.toString(commitRequests.delete()), Long.toString(cleanupMs), Long.toString(cleanupRequests.total()));
    }
  }

  /**
   * The S3 requests S3A made between two readings of its counters, by kind: HEAD (object metadata), GET, LIST
   * (first pages and continuations), PUT (whole objects and parts), DELETE (single and bulk), and the others
   * (copies, multipart listings, initiations and completions).
   */
  record Requests(long head, long get, long list, long put, long delete, long other) {
    private static final List<String> LIST = List.of("object_list_request", "object_continue_list_request");
    private static final List<String> DELETE = List.of("object_delete_request", "object_bulk_delete_request");
    private static final List<String> OTHER = List.of("object_copy_requests", "object_multipart_list",
        "object_multipart_initiated", "object_multipart_aborted");

    static Map<String, Long> snapshot(StorageStatistics stats) {
      Map<String, Long> values = new TreeMap<>();
      stats.getLongStatistics().forEachRemaining(value -> values.put(value.getName(), value.getValue()));
      return values;
    }

    static Requests between(Map<String, Long> before, Map<String, Long> after) {
      return new Requests(delta(before, after, List.of("object_metadata_request")),
          delta(before, after, List.of("action_http_get_request")), delta(before, after, LIST),
          delta(before, after, List.of("object_put_request")), delta(before, after, DELETE),
          delta(before, after, OTHER));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, List<String> names) {
      return names.stream().mapToLong(name -> after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L)).sum();
    }

    long total() {
      return head + get + list + put + delete + other;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d (HEAD %d, GET %d, LIST %d, PUT %d, DELETE %d, other %d)", total(), head,
          get, list, put, delete, other);
    }
  }

  private final Settings settings;
  private final Path out;
  private final Path s3mockJar;

  public StorageCommitCost(Settings settings, Path out, Path s3mockJar) {
    this.settings = settings;
    this.out = out;
    this.s3mockJar = s3mockJar;
  }

  public List<Timing> run() throws Exception {
    Files.createDirectories(out);
    List<Timing> rows = new ArrayList<>();
    try (S3StandIn s3 = S3StandIn.start(s3mockJar, "bench")) {
      SparkSession spark = session(s3);
      try {
        for (long size : settings.sizes()) {
          Dataset<Row> data = spark.range(size).selectExpr("id",
              "cast(id % 263 as int) as zone", "rand(7) * 80 as fare", "uuid() as trip_id").cache();
          data.count();
          commitOnce(spark, data, "warmup", size, 0); // first s3a write of the JVM: connections, classes
          for (int rep = 1; rep <= settings.reps(); rep++) {
            for (String way : rep % 2 == 1 ? List.of("rename", "pointer") : List.of("pointer", "rename")) {
              Timing row = commitOnce(spark, data, way, size, rep);
              rows.add(row);
              System.out.println(row.csv());
            }
          }
          data.unpersist();
        }
      } finally {
        spark.stop();
      }
    }
    write(rows);
    return rows;
  }

  private Timing commitOnce(SparkSession spark, Dataset<Row> data, String way, long size, int rep)
      throws IOException {
    Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
    conf.set("sparkstep.commit.style", way.equals("warmup") ? "pointer" : way);
    String uri = "s3a://bench/" + way + "-" + size + "/out";
    OutputCommitter committer = new OutputCommitter(conf, "bench-" + way + "-" + size + "-" + rep,
        Map.of("out", new ArtifactSpec(uri, null, "overwrite")));
    FileSystem fs = FileSystem.get(URI.create(uri), conf);
    long start = System.nanoTime();
    org.apache.hadoop.fs.Path staging = committer.stage("out");
    data.write().parquet(staging.toString());
    long written = System.nanoTime();
    StorageStatistics stats = fs.getStorageStatistics();
    long copiesBefore = counter(stats, "object_copy_requests");
    long bytesBefore = counter(stats, "files_copied_bytes");
    Map<String, Long> beforeCommit = Requests.snapshot(stats);
    committer.publish();
    long committed = System.nanoTime();
    Map<String, Long> afterCommit = Requests.snapshot(stats);
    committer.cleanUp();
    long cleaned = System.nanoTime();
    Requests cleanupRequests = Requests.between(afterCommit, Requests.snapshot(stats));
    ContentSummary summary = fs.getContentSummary(committer.committedPath("out"));
    return new Timing(way, size, rep, TimeUnit.NANOSECONDS.toMillis(written - start),
        TimeUnit.NANOSECONDS.toMillis(committed - written), counter(stats, "object_copy_requests") - copiesBefore,
        counter(stats, "files_copied_bytes") - bytesBefore, summary.getLength(),
        Requests.between(beforeCommit, afterCommit), TimeUnit.NANOSECONDS.toMillis(cleaned - committed),
        cleanupRequests);
  }

  private static long counter(StorageStatistics stats, String name) {
    Long value = stats.getLong(name);
    return value == null ? 0 : value;
  }

  private SparkSession session(S3StandIn s3) {
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("bench-storage")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        // the keys every s3a run gets (S3ADefaults): Spark's job commit through the S3A magic committer
        .config("spark.sql.sources.commitProtocolClass",
            "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol")
        .config("spark.sql.parquet.output.committer.class",
            "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter")
        .config("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
            "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory")
        .config("spark.hadoop.fs.s3a.committer.name", "magic");
    s3.s3aSettings().forEach((key, value) -> builder.config("spark.hadoop." + key, value));
    return builder.getOrCreate();
  }

  private void write(List<Timing> rows) throws IOException {
    List<String> csv = new ArrayList<>(List.of(Timing.HEADER));
    rows.forEach(row -> csv.add(row.csv()));
    Files.write(out.resolve("storage.csv"), csv);
    StringBuilder report = new StringBuilder("# Storage: the engine's commit on the S3 stand-in\n\n"
        + "Medians over " + settings.reps() + " repetitions; write = Spark's write with the S3A magic committer, "
        + "Goal: commit/write at most " + Math.round(GOAL * 100) + " %, independent of size.\n\n"
        + "Commit = the switch (OutputCommitter.publish: after it every reader sees the new output); cleanup = "
        + "the removal of what it replaced and of dead runs' leftovers (OutputCommitter.cleanUp), after the switch, "
        + "timed apart. Requests: S3A's counters, for the first commit (a new output) / a commit replacing the "
        + "previous repetition's output.\n\n"
        + "| way | rows | output MB | write ms | commit ms | commit/write | commit requests, new | commit requests, "
        + "replacing | cleanup ms | cleanup requests, replacing | copy requests | bytes copied |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (long size : settings.sizes()) {
      for (String way : List.of("rename", "pointer")) {
        List<Timing> of = rows.stream().filter(r -> r.way().equals(way) && r.rows() == size).toList();
        if (of.isEmpty()) {
          continue;
        }
        long write = median(of.stream().mapToLong(Timing::writeMs).toArray());
        long commit = median(of.stream().mapToLong(Timing::commitMs).toArray());
        Timing last = of.get(of.size() - 1);
        report.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %d | %d | %.3f | %s | %s | %d | %s | %d | %d |%n",
            way, size, of.get(0).outputBytes() / 1e6, write, commit, write == 0 ? Double.NaN : (double) commit / write,
            of.get(0).commitRequests(), last.commitRequests(),
            median(of.stream().mapToLong(Timing::cleanupMs).toArray()), last.cleanupRequests(),
            of.get(0).copyRequests(), of.get(0).bytesCopied()));
      }
    }
    Files.writeString(out.resolve("report.md"), report);
    System.out.print(report);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
