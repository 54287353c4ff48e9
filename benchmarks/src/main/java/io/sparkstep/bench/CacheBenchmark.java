package io.sparkstep.bench;

import io.sparkstep.bench.CliRunCost.Variant;
import io.sparkstep.cache.ListingDigest;
import io.sparkstep.pipeline.Pipeline;
import io.sparkstep.pipeline.PipelineFile;
import io.sparkstep.pipeline.PipelineStep;
import io.sparkstep.spi.record.DataSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code bench --suite cache}: what the step cache costs when it serves everything. The sample pipeline
 * (examples/pipelines/fares.yaml) is run once to fill the cache, then {@code bin/sparkstep pipeline run} of it again
 * as a whole process, timed fork to exit (JVM start included), each of its four steps a hit and no Spark job started
 * (the first-job listener must stay silent); and the time to compute an input's snapshot (its listing digest) for a
 * directory of 10,000 files on local disk and on the S3 stand-in (S3Mock, as {@code --suite storage} starts it),
 * the latter through S3A's flat listing.
 */
final class CacheBenchmark {
  /** The goal for a fully cached {@code pipeline run}, JVM included. */
  static final double GOAL_MS = 3000;
  static final int LISTING_FILES = 10_000;

  /** {@code rows}: the sample's generate-trips size; {@code reps}: timed cached runs and timed listings. */
  record Settings(long rows, int reps) {
    static Settings quick() {
      return new Settings(10_000L, 3);
    }

    static Settings full() {
      return new Settings(20_000L, 7);
    }
  }

  private final Settings settings;
  private final Path out;
  private final Path work;
  private final Path s3mockJar;
  private final List<Measurement> results = new ArrayList<>();

  CacheBenchmark(Settings settings, Path out, Path s3mockJar) {
    this.settings = settings;
    this.out = out;
    this.s3mockJar = s3mockJar;
    this.work = out.resolve("work");
  }

  List<Measurement> run() throws Exception {
    Files.createDirectories(work);
    Path launcher = CliRunCost.launcher("cache");
    Pipeline pipeline = PipelineFile.read(PipelineRunCost.sampleFile());
    pipeline.artifactStore = work.resolve("artifacts").toUri().toString();
    PipelineStep trips = pipeline.steps.stream().filter(s -> s.step.equals("generate-trips")).findFirst()
        .orElseThrow(() -> new IllegalStateException("the sample pipeline has no generate-trips step"));
    trips.params.put("rows", settings.rows());
    Path file = work.resolve("fares-cached.json");
    Files.writeString(file, PipelineFile.writeJson(pipeline));
    Path stamp = work.resolve("first-job.txt");
    Map<String, String> env = new HashMap<>(CliRunCost.cliEnv(work, CliRunCost.childHeap(), "on"));
    env.put("SPARKSTEP_JAVA_OPTS", FirstJobStamp.jvmFlags(stamp));
    Variant pipelineRun = new Variant(List.of(launcher.toString(), "pipeline", "run", file.toString()), env);

    long computing = CliRunCost.timed(work, pipelineRun, "computing")[0];
    record(new Measurement("cache", "fares", "computing", settings.rows(), 0, computing, 0));
    for (int rep = 0; rep < settings.reps(); rep++) {
      Files.deleteIfExists(stamp);
      long[] wallCpu = CliRunCost.timed(work, pipelineRun, "cached");
      String log = Files.readString(work.resolve("last-cached.log"));
      long hits = log.lines().filter(line -> line.contains("cache: hit from run")).count();
      if (hits != pipeline.steps.size() || Files.exists(stamp)) {
        throw new IllegalStateException("the cached pipeline run was not all hits without Spark (" + hits + " of "
            + pipeline.steps.size() + " hits, Spark job seen: " + Files.exists(stamp) + "); see "
            + work.resolve("last-cached.log"));
      }
      record(new Measurement("cache", "fares", "all-cached", settings.rows(), rep, wallCpu[0], 0));
      record(new Measurement("cache-cpu", "fares", "all-cached", settings.rows(), rep, wallCpu[1], 0));
    }

    Path listing = Files.createDirectories(work.resolve("listing"));
    if (!Files.exists(listing.resolve("part-" + (LISTING_FILES - 1)))) {
      for (int i = 0; i < LISTING_FILES; i++) {
        Files.writeString(listing.resolve("part-" + i), Integer.toString(i));
      }
    }
    timeSnapshots(listing.toUri().toString(), new Configuration(), "local-disk");
    try (S3StandIn s3 = S3StandIn.start(s3mockJar, "bench")) {
      Configuration conf = new Configuration();
      s3.s3aSettings().forEach(conf::set);
      String prefix = "s3a://bench/listing";
      long start = System.nanoTime();
      ObjectStoreFiles.put(prefix, LISTING_FILES, conf);
      record(new Measurement("snapshot-put", "listing-" + LISTING_FILES, "s3-stand-in", LISTING_FILES, 0,
          (System.nanoTime() - start) / 1_000_000, 0));
      timeSnapshots(prefix, conf, "s3-stand-in");
    }
    Report.writeCsv(out.resolve("results.csv"), results);
    writeMarkdown(out.resolve("report.md"), computing);
    System.out.println(String.format(Locale.ROOT, "cache suite: fares pipeline at %d rows, all steps cached: "
        + "pipeline run %.0f ms median wall (goal <= %.0f), %.0f ms CPU; computing it: %d ms; snapshot of %d files "
        + "on local disk: %.0f ms median, on the S3 stand-in: %.0f ms median",
        settings.rows(), median("cache", "all-cached"), GOAL_MS, median("cache-cpu", "all-cached"), computing,
        LISTING_FILES, median("snapshot", "local-disk"), median("snapshot", "s3-stand-in")));
    return results;
  }

  /** One untimed digest (class loading, page cache, connections), then {@code reps} timed ones, in ms. */
  private void timeSnapshots(String uri, Configuration conf, String where) throws IOException {
    DataSnapshot first = ListingDigest.of(uri, conf);
    if (first.files != LISTING_FILES) {
      throw new IllegalStateException("listed " + first.files + " files under " + uri + ", expected "
          + LISTING_FILES);
    }
    for (int rep = 0; rep < settings.reps(); rep++) {
      long start = System.nanoTime();
      DataSnapshot again = ListingDigest.of(uri, conf);
      record(new Measurement("snapshot", "listing-" + LISTING_FILES, where, LISTING_FILES, rep,
          (System.nanoTime() - start) / 1_000_000, 0));
      if (!again.equals(first)) {
        throw new IllegalStateException("the digest of unchanged " + uri + " changed between two listings");
      }
    }
  }

  private double median(String mode, String variant) {
    return Measurement.median(results.stream().filter(m -> m.mode().equals(mode) && m.variant().equals(variant))
        .toList());
  }

  private void record(Measurement m) {
    results.add(m);
    System.err.println("bench: " + m.mode() + " " + m.variant() + " rep=" + m.rep() + " " + m.millis() + " ms");
  }

  private void writeMarkdown(Path file, long computing) throws IOException {
    String md = String.format(Locale.ROOT, """
        # Step cache

        The sample pipeline (examples/pipelines/fares.yaml, generate-trips at %d rows), `bin/sparkstep pipeline run`
        as a whole process, fork to exit, class-data archive on; each figure the median of %d runs.

        | what | ms |
        |---|---|
        | pipeline run, every step computed (first run) | %d |
        | pipeline run, every step a cache hit, wall (goal <= %.0f) | %.0f |
        | the same, CPU | %.0f |
        | snapshot (listing digest) of %d files on local disk | %.0f |
        | the same on the S3 stand-in (S3Mock, loopback), through S3A | %.0f |
        | writing those %d objects there (%d parallel PUTs, once) | %.0f |

        Every cached run was checked: four `cache: hit` lines and no Spark job (the first-job listener stayed silent).
        On the S3 stand-in each digest is one flat listing (S3A's recursive listFiles, in pages).
        """, settings.rows(), settings.reps(), computing, GOAL_MS, median("cache", "all-cached"),
        median("cache-cpu", "all-cached"), LISTING_FILES, median("snapshot", "local-disk"),
        median("snapshot", "s3-stand-in"), LISTING_FILES, ObjectStoreFiles.PUT_THREADS,
        median("snapshot-put", "s3-stand-in"));
    Files.writeString(file, md);
  }
}
