package io.sparkstep.bench;

import io.sparkstep.spi.CliContext;
import io.sparkstep.spi.CliExtension;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.util.JavaCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkstep bench [--suite default|tpch|cli|pipeline|storage|cache] [--workloads W,..] [--rows N] [--scale N] [--quick] [--gpu]
 * [--out DIR]}: runs the benchmarks
 * and writes CSV, markdown and PNGs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: engine overhead, vanilla vs Comet (vs RAPIDS on a GPU), launch latency, scaling; "
        + "TPC-H (--suite tpch); the cost of a CLI run against a bare Spark app (--suite cli); pipeline run against "
        + "four run commands (--suite pipeline); the engine's commit on the S3 stand-in, rename against pointer "
        + "(--suite storage); a fully cached pipeline run and input snapshots (--suite cache).")
public final class BenchCommand implements Callable<Integer>, CliExtension {
  @Option(names = "--suite", defaultValue = "default",
      description = "default (own workloads), tpch (the 22 TPC-H queries, vanilla vs Comet), cli (bin/sparkstep run "
          + "vs a bare SparkSession app, whole processes) or pipeline (pipeline run of the sample vs its four steps "
          + "as four run commands, whole processes) or storage (the engine's commit of one output on the S3 stand-in, "
          + "staging + rename against the pointer commit, at two sizes) or cache (the sample pipeline run with every step cached, and input snapshots of 10,000 files). Default: ${DEFAULT-VALUE}.")
  String suite;

  @Option(names = "--scale", defaultValue = "1", description = "TPC-H scale factor. Default: ${DEFAULT-VALUE}.")
  double scale;

  @Option(names = "--reps", description = "Timed repetitions per variant after the warm-up: per TPC-H query "
      + "(default 3), per workload in the default suite (default 4); pairs per size in the pipeline suite (default 7, "
      + "--quick 5).")
  Integer reps;

  @Option(names = "--queries", split = ",", description = "TPC-H: query numbers to run (default: all 22).")
  java.util.List<Integer> queries;

  @Option(names = "--report-only", description = "TPC-H: write the report again from the run records, answers and "
      + "timings a previous run left under --out, without running anything.")
  boolean reportOnly;

  @Option(names = "--workloads", split = ",", description = "Default suite: only these workloads (e.g. bench-train), "
      + "vanilla vs Comet and RAPIDS eligibility; overhead, latency and scaling are skipped.")
  java.util.List<String> workloads;

  @Option(names = "--rows", description = "Default suite: trips for the vanilla/Comet and eligibility runs "
      + "(default 2000000; --quick 20000).")
  Long rows;

  @Option(names = "--quick", description = "Tiny scale (what CI runs): checks the harness, not performance.")
  boolean quick;

  @Option(names = "--gpu", description = "Also run RAPIDS when a GPU is present.")
  boolean gpu;

  @Option(names = "--s3mock-jar", defaultValue = "storage-tests/target/stand-ins/s3mock-exec.jar",
      description = "Storage and cache suites: Adobe S3Mock's exec jar, the S3 stand-in (built by storage-tests). "
          + "Default: ${DEFAULT-VALUE}.")
  Path s3mockJar;

  @Option(names = "--out", description = "Output directory (default: benchmarks/results/<timestamp>).")
  Path out;

  @Override
  public Object command(CliContext context) {
    return new BenchCommand();
  }

  @Override
  public Integer call() throws Exception {
    // Child JVMs of the benchmarks start without bin/sparkstep's class-data archive: a Comet child (its jar on the
    // class path) could not map it, and vanilla alone starting faster would tilt every vanilla/Comet ratio.
    System.clearProperty(JavaCommand.ARCHIVE_PROPERTY);
    Path dir = (out != null ? out : Path.of("benchmarks", "results",
        java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))))
        .toAbsolutePath();
    switch (suite) {
      case "default" -> {
        BenchmarkRunner.Settings settings = quick ? BenchmarkRunner.Settings.quick() : BenchmarkRunner.Settings.full();
        if (rows != null) {
          if (rows < 1) {
            throw new InvalidSpecException("--rows", rows + " is not a row count",
                "give a positive number of trips, e.g. --rows 200000");
          }
          settings = settings.withRows(rows);
        }
        if (reps != null) {
          if (reps < 1) {
            throw new InvalidSpecException("--reps", reps + " is not a repetition count",
                "give 1 or more, e.g. --reps 2");
          }
          settings = settings.withReps(reps);
        }
        BenchmarkRunner runner = new BenchmarkRunner(settings, dir);
        if (workloads != null) {
          runner.onlyWorkloads(workloads);
        }
        runner.run(gpu);
      }
      case "tpch" -> {
        TpchSuite.Settings settings = quick ? TpchSuite.Settings.quick() : TpchSuite.Settings.full(scale);
        settings = reps != null ? settings.withReps(reps) : settings;
        settings = queries != null ? settings.withQueries(queries) : settings;
        if (reportOnly) {
          new TpchSuite(settings, dir).reportFromRecords();
        } else {
          new TpchSuite(settings, dir).run();
        }
      }
      case "cli" -> new CliRunCost(quick ? CliRunCost.Settings.quick() : CliRunCost.Settings.full(), dir).run();
      case "pipeline" -> new PipelineRunCost(pipelineSettings(), dir).run();
      case "storage" -> new StorageCommitCost(quick ? StorageCommitCost.Settings.quick()
          : StorageCommitCost.Settings.full(), dir, s3mockJar).run();
      case "cache" -> new CacheBenchmark(quick ? CacheBenchmark.Settings.quick() : CacheBenchmark.Settings.full(),
          dir, s3mockJar).run();
      default -> {
        System.err.println("sparkstep bench: --suite " + suite
            + " is not a suite; use default, tpch, cli, pipeline, storage or cache");
        return 2;
      }
    }
    System.out.println("report: " + dir.resolve("report.md"));
    return 0;
  }

  /** The pipeline suite's settings from --quick and --reps (its pairs per size). */
  PipelineRunCost.Settings pipelineSettings() {
    PipelineRunCost.Settings settings = quick ? PipelineRunCost.Settings.quick() : PipelineRunCost.Settings.full();
    if (reps == null) {
      return settings;
    }
    if (reps < 1) {
      throw new InvalidSpecException("--reps", reps + " is not a number of pairs", "give 1 or more, e.g. --reps 5");
    }
    return settings.withPairs(reps);
  }
}
