package io.sparkstep.bench;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.bench.workloads.AggregationHeavyStep;
import io.sparkstep.bench.workloads.JoinHeavyStep;
import io.sparkstep.bench.workloads.RegexHeavyStep;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.samples.TripFeaturesStep;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the benchmark modes side by side in one JVM and writes results.csv, eligibility.csv, report.md and the charts:
 * engine overhead (local flavor vs bare SparkSession, with the time inside and outside Spark jobs), accelerators
 * (vanilla vs Comet, each in its own child JVM; RAPIDS only with a GPU, else its explain-only eligibility), launch
 * latency (local in-process and child JVM vs raw; standalone client and cluster mode vs raw spark-submit) and scaling.
 */
public final class BenchmarkRunner {
  /**
   * How big and how often: {@code rows} for the accelerator runs, {@code overheadRows} for engine overhead (the
   * issue's goal is stated at 10^7), the GPU-eligibility (RAPIDS explain) workloads, standalone-cluster rounds.
   */
  public record Settings(long rows, long overheadRows, List<Long> scalingRows, int warmups, int reps,
      List<String> accelWorkloads, List<String> explainWorkloads, int clusterReps) {
    public static Settings quick() {
      // One repetition of everything: --quick checks the harness end to end (what CI runs), it measures nothing.
      return new Settings(20_000, 20_000, List.of(5_000L, 20_000L), 0, 1, List.of("bench-aggregate"),
          List.of("bench-aggregate"), 0);
    }

    public static Settings full() {
      List<String> all = new ArrayList<>(List.of("trip-features", "bench-aggregate", "bench-join", "bench-regex"));
      // The training workload needs Spark ML (and samples-ml's fare model), which the CLI's class path has.
      if (sparkMlPresent()) {
        all.add("bench-train");
      }
      return new Settings(2_000_000, 10_000_000, List.of(100_000L, 1_000_000L, 10_000_000L, 100_000_000L), 1, 4, all,
          all, 5);
    }

    private static boolean sparkMlPresent() {
      try {
        Class.forName("org.apache.spark.ml.Pipeline", false, BenchmarkRunner.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException e) {
        return false;
      }
    }

    /** The same with {@code rows} trips for the accelerator and eligibility runs. */
    public Settings withRows(long rows) {
      return new Settings(rows, overheadRows, scalingRows, warmups, reps, accelWorkloads, explainWorkloads, clusterReps);
    }

    /** The same with {@code reps} timed repetitions after the warm-ups. */
    public Settings withReps(int reps) {
      return new Settings(rows, overheadRows, scalingRows, warmups, reps, accelWorkloads, explainWorkloads, clusterReps);
    }
  }

  private final Settings settings;
  private final Path out;
  private final Path home;
  private final List<Measurement> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<GpuEligibility> eligibility = new ArrayList<>();
  private JobTimeline timeline;
  /** Null: every mode. Else only the per-workload modes, for these workloads (see {@link #onlyWorkloads}). */
  private List<String> only;

  public BenchmarkRunner(Settings settings, Path out) {
    this.settings = settings;
    this.out = out;
    this.home = out.resolve("work/home");
  }

  /**
   * Limits the run to the named workloads' accelerator (vanilla vs Comet) and RAPIDS-eligibility runs; engine
   * overhead (it has a bare twin only for the feature and bench-aggregate/join/regex steps), launch latency and
   * scaling, which measure the engine and not a workload, are left out. A workload the settings do not list is refused.
   */
  public BenchmarkRunner onlyWorkloads(List<String> workloads) {
    for (String workload : workloads) {
      if (!settings.accelWorkloads().contains(workload) && !settings.explainWorkloads().contains(workload)) {
        throw new InvalidSpecException("--workloads", "'" + workload + "' is not a workload of this "
            + "suite", "use some of " + new java.util.LinkedHashSet<>(settings.accelWorkloads()));
      }
    }
    this.only = List.copyOf(workloads);
    return this;
  }

  public List<Measurement> run(boolean gpu) throws Exception {
    Files.createDirectories(out);
    Path data = generate(settings.rows());
    timeline = JobTimeline.attach(SparkSession.builder().getOrCreate().sparkContext());
    if (only == null) {
      overhead(settings.overheadRows() == settings.rows() ? data : generate(settings.overheadRows()));
    } else {
      notes.add("Limited to " + String.join(", ", only) + " (--workloads): engine overhead, launch latency and "
          + "scaling were not run.");
    }
    accelerators(data, gpu);
    gpuEligibility(data);
    if (only == null) {
      latency();
      clusterLatency();
      scaling();
    }
    Report.writeCsv(out.resolve("results.csv"), results);
    GpuEligibility.write(out.resolve("eligibility.csv"), eligibility);
    Report.writeMarkdown(out.resolve("report.md"), results, eligibility, MachineFacts.collect(), notes);
    Charts.writeAll(out, results);
    return results;
  }

  /**
   * Keeps a measurement and prints it at once: a full run takes half an hour, and a line per repetition shows it
   * moving and lets a killed run still tell what it measured.
   */
  private void record(Measurement m) {
    results.add(m);
    System.err.println("bench: " + m.mode() + " " + m.workload() + " " + m.variant() + " rows=" + m.rows() + " rep="
        + m.rep() + " " + m.millis() + " ms" + (m.sparkJobsMs() > 0 ? " (Spark jobs " + m.sparkJobsMs() + " ms)" : ""));
  }

  private Path generate(long rows) throws Exception {
    Path dir = out.resolve("work/data-" + rows);
    if (!Files.exists(dir.resolve("trips/_SUCCESS"))) {
      StepRun run = Sparkstep.operator("local", home).step("generate-trips").param("rows", rows).param("seed", 7)
          .output("trips", dir.resolve("trips").toUri().toString()).output("zones", dir.resolve("zones").toUri().toString())
          .overwrite().submit();
      require(run);
    }
    return dir;
  }

  /** Each workload as a Sparkstep run and as the same code on a bare session in this JVM, alternating. */
  private void overhead(Path data) throws Exception {
    String trips = data.resolve("trips").toUri().toString();
    String zones = data.resolve("zones").toUri().toString();
    Map<String, BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>>> bare = new LinkedHashMap<>();
    bare.put("trip-features", (t, z) -> TripFeaturesStep.features(t, z, 0.0, 3));
    bare.put("bench-aggregate", (t, z) -> AggregationHeavyStep.compute(t));
    bare.put("bench-join", JoinHeavyStep::compute);
    bare.put("bench-regex", (t, z) -> RegexHeavyStep.compute(t));
    for (Map.Entry<String, BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>>> w : bare.entrySet()) {
      String workload = w.getKey();
      String target = out.resolve("work/bare-" + workload).toUri().toString();
      for (int i = -settings.warmups(); i < settings.reps(); i++) {
        // Who goes first alternates: the second of a pair runs on a warmer JIT and a fuller heap, and a fixed order
        // would put that bias on one side of the ratio.
        boolean engineFirst = Math.floorMod(i, 2) == 0;
        long[] plain = engineFirst ? null : bareRun(w.getValue(), trips, zones, target);
        long engineFrom = System.currentTimeMillis();
        long engine = timed(() -> sparkstepRun("local", workload, trips, zones, null));
        long engineJobs = jobMillisSince(engineFrom);
        if (engineFirst) {
          plain = bareRun(w.getValue(), trips, zones, target);
        }
        if (i >= 0) {
          record(new Measurement("overhead", workload, "sparkstep", settings.overheadRows(), i, engine, 0,
              engineJobs));
          record(new Measurement("overhead", workload, "bare", settings.overheadRows(), i, plain[0], 0, plain[1]));
        }
      }
    }
  }

  /** The workload's Spark code on a bare session of this JVM: {total ms, ms inside Spark jobs}. */
  private long[] bareRun(BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>> code, String trips, String zones,
      String target) throws Exception {
    SparkSession session = SparkSession.builder().getOrCreate().newSession();
    long from = System.currentTimeMillis();
    long millis = timed(() -> code.apply(session.read().parquet(trips), session.read().parquet(zones))
        .write().mode(SaveMode.Overwrite).parquet(target));
    return new long[] {millis, jobMillisSince(from)};
  }

  /** Time Spark jobs ran from {@code fromMillis} until now, once the listener bus has delivered the last events. */
  private long jobMillisSince(long fromMillis) throws InterruptedException {
    long to = System.currentTimeMillis();
    Thread.sleep(200);
    return timeline.jobMillis(fromMillis, to);
  }

  /**
   * Without a GPU nothing can be timed on one; what can be said is which operators RAPIDS would run there: each
   * workload once with the RAPIDS plugin in explain-only mode (a child JVM: the plugin needs its own SparkContext).
   */
  private void gpuEligibility(Path data) throws Exception {
    String trips = data.resolve("trips").toUri().toString();
    String zones = data.resolve("zones").toUri().toString();
    for (String workload : selected(settings.explainWorkloads())) {
      RunRecord explained;
      try {
        explained = sparkstepRun("bench-process", workload, trips, zones, "rapids", true);
      } catch (IllegalStateException | InvalidSpecException e) {
        notes.add("RAPIDS eligibility not measured for " + workload + ": " + e.getMessage());
        continue;
      }
      RunRecord.AcceleratorInfo info = explained.accelerator;
      if (info == null || info.operatorsTotal == null) {
        notes.add("RAPIDS eligibility not recorded for " + workload + " (run " + explained.runId + ")");
        continue;
      }
      String reasons = String.join("; ", info.notAccelerated.stream().limit(3).toList());
      eligibility.add(new GpuEligibility(workload, settings.rows(), info.operatorsAccelerated, info.operatorsTotal,
          reasons));
    }
  }

  /** Vanilla and Comet, both in child JVMs (Comet's plugin and shuffle manager need a fresh SparkContext). */
  private void accelerators(Path data, boolean gpu) throws Exception {
    new OperatorStore(home, new FlavorRegistry()).register("bench-process", "local", Map.of("isolation", "process"), true);
    String trips = data.resolve("trips").toUri().toString();
    String zones = data.resolve("zones").toUri().toString();
    for (String workload : selected(settings.accelWorkloads())) {
      for (int i = -settings.warmups(); i < settings.reps(); i++) {
        // Who goes first alternates, as in the overhead pairs: the second child JVM meets a warmer page cache.
        boolean vanillaFirst = Math.floorMod(i, 2) == 0;
        RunRecord vanilla = vanillaFirst ? sparkstepRun("bench-process", workload, trips, zones, null) : null;
        RunRecord comet;
        try {
          comet = sparkstepRun("bench-process", workload, trips, zones, "comet");
        } catch (IllegalStateException | InvalidSpecException e) {
          notes.add("Comet not measured for " + workload + ": " + e.getMessage());
          break;
        }
        if (!vanillaFirst) {
          vanilla = sparkstepRun("bench-process", workload, trips, zones, null);
        }
        if (i >= 0) {
          record(new Measurement("accelerator", workload, "vanilla", settings.rows(), i, vanilla.durationMillis, 0));
          record(new Measurement("accelerator", workload, "comet", settings.rows(), i, comet.durationMillis, 0));
          if (i == 0 && comet.accelerator != null && comet.accelerator.operatorsTotal != null) {
            notes.add("Comet plan coverage for " + workload + ": " + comet.accelerator.operatorsAccelerated + " of "
                + comet.accelerator.operatorsTotal + " operators");
          }
        }
      }
    }
    if (!gpu || !MachineFacts.hasGpu()) {
      notes.add("No GPU on this machine (" + MachineFacts.gpuModel() + "): RAPIDS was not run and no GPU figure is "
          + "reported. `sparkstep explain --accelerator rapids` shows per operator what would run on a GPU.");
    } else {
      notes.add("A GPU is present but this bench does not run RAPIDS yet; no GPU figure is reported.");
    }
  }

  /** One-row step: Sparkstep in-process vs a bare write in this JVM; Sparkstep child JVM vs a raw child JVM. */
  private void latency() throws Exception {
    // A full run warms up once more here (the first child JVM meets a cold page cache); --quick times the first.
    for (int i = settings.warmups() > 0 ? -settings.warmups() - 1 : 0; i < settings.reps(); i++) {
      String target = out.resolve("work/noop-" + i).toUri().toString();
      long engine = timed(() -> require(Sparkstep.operator("local", home).step("bench-noop").output("out", target)
          .overwrite().submit()));
      SparkSession session = SparkSession.builder().getOrCreate().newSession();
      long raw = timed(() -> session.range(1).toDF().write().mode(SaveMode.Overwrite).parquet(target + "-raw"));
      long child = timed(() -> require(Sparkstep.operator("bench-process", home).step("bench-noop")
          .output("out", target + "-child").overwrite().submit()));
      long rawChild = timed(() -> RawChildJvm.runNoop(target + "-rawchild"));
      if (i >= 0) {
        record(new Measurement("latency", "local-in-process", "sparkstep", 1, i, engine, 0));
        record(new Measurement("latency", "local-in-process", "raw", 1, i, raw, 0));
        record(new Measurement("latency", "local-child-jvm", "sparkstep", 1, i, child, 0));
        record(new Measurement("latency", "local-child-jvm", "raw", 1, i, rawChild, 0));
      }
    }
  }

  /** The one-row step through the spark-submit flavor on a real standalone cluster vs raw spark-submit. */
  private void clusterLatency() throws Exception {
    if (settings.clusterReps() == 0) {
      // --quick: a standalone cluster costs CI about a minute and a half here, and the spark-submit flavor's own
      // tests run the same client and cluster submissions on one; a full run measures them.
      notes.add("Launch latency on a standalone cluster: not measured in --quick (a full run measures it).");
      return;
    }
    try (ClusterLatency cluster = ClusterLatency.start(home, out.resolve("work"))) {
      for (int i = -settings.warmups(); i < settings.clusterReps(); i++) {
        for (String mode : new String[] {"client", "cluster"}) {
          String target = out.resolve("work/standalone-" + mode + "-" + i).toUri().toString();
          long engine = timed(() -> require(Sparkstep.operator("bench-" + mode, home).step("bench-noop")
              .output("out", target).overwrite().submit()));
          long raw = timed(() -> cluster.rawSubmit(mode, target + "-raw"));
          if (i >= 0) {
            record(new Measurement("latency", "standalone-" + mode, "sparkstep", 1, i, engine, 0));
            record(new Measurement("latency", "standalone-" + mode, "raw", 1, i, raw, 0));
          }
        }
        // spark-submit itself learns that a cluster-mode driver finished from a status poll every 10 s; this pair
        // compares against raw spark-submit plus a poll of the master at Sparkstep's own cadence instead.
        String target = out.resolve("work/standalone-cluster-polled-" + i).toUri().toString();
        long raw = timed(() -> cluster.rawSubmitAndPoll(target + "-raw", ClusterLatency.POLL));
        long engine = timed(() -> require(Sparkstep.operator("bench-cluster", home).step("bench-noop")
            .output("out", target).overwrite().submit()));
        if (i >= 0) {
          record(new Measurement("latency", "standalone-cluster-polled", "sparkstep", 1, i, engine, 0));
          record(new Measurement("latency", "standalone-cluster-polled", "raw", 1, i, raw, 0));
        }
      }
      notes.add("standalone-cluster: raw is spark-submit with spark.standalone.submit.waitAppCompletion=true, which "
          + "asks the master for the driver's state every 10 s (Spark's ClientEndpoint REPORT_DRIVER_STATUS_INTERVAL), "
          + "so it learns of the end up to 10 s late. standalone-cluster-polled: raw spark-submit returning once the "
          + "driver is submitted, then a poll of the master's /json/ every " + ClusterLatency.POLL.toMillis()
          + " ms (the flavor's own cadence) until the driver is FINISHED: the like-for-like launch cost.");
    } catch (IOException | IllegalStateException e) {
      notes.add("Launch latency on a standalone cluster was not measured: " + e.getMessage());
    }
  }

  private void scaling() throws Exception {
    for (long rows : settings.scalingRows()) {
      Path data = generate(rows);
      for (int i = 0; i < settings.reps(); i++) {
        System.gc();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            try {
              Thread.sleep(25);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.setDaemon(true);
        sampler.start();
        long ms = timed(() -> sparkstepRun("local", "trip-features", data.resolve("trips").toUri().toString(),
            data.resolve("zones").toUri().toString(), null));
        sampler.interrupt();
        record(new Measurement("scaling", "trip-features", "sparkstep", rows, i, ms, peak.get() / (1024 * 1024)));
      }
    }
  }

  private List<String> selected(List<String> workloads) {
    return only == null ? workloads : workloads.stream().filter(only::contains).toList();
  }

  private RunRecord sparkstepRun(String operator, String workload, String trips, String zones, String accelerator)
      throws Exception {
    return sparkstepRun(operator, workload, trips, zones, accelerator, false);
  }

  private RunRecord sparkstepRun(String operator, String workload, String trips, String zones, String accelerator,
      boolean explain) throws Exception {
    Sparkstep launch = Sparkstep.operator(operator, home).step(workload).input("trips", trips);
    if (!workload.equals("bench-aggregate") && !workload.equals("bench-regex")) {
      launch.input("zones", zones);
    }
    String name = workload.equals("trip-features") ? "features" : "out";
    launch.output(name, out.resolve("work/out-" + operator + "-" + workload + "-" + accelerator + (explain ? "-explain"
        : "")).toUri().toString())
        .overwrite();
    if (accelerator != null) {
      launch.accelerator(accelerator);
    }
    if (explain) {
      launch.explain();
    }
    return require(launch.submit());
  }

  private RunRecord require(StepRun run) throws Exception {
    return requireSucceeded(home, run);
  }

  /** Waits for a benchmark run and returns its stored record; a run that did not succeed ends the benchmark. */
  public static RunRecord requireSucceeded(Path home, StepRun run) throws Exception {
    RunState state = run.await(Duration.ofMinutes(30));
    RunRecord record = new RunStore(home).load(run.id()).orElseThrow();
    if (state != RunState.SUCCEEDED) {
      throw new IllegalStateException("benchmark run " + run.id() + " " + state + ": " + record.view().errorMessage());
    }
    return record;
  }

  /** Code whose wall time is measured. */
  @FunctionalInterface
  interface Timed {
    void run() throws Exception;
  }

  private static long timed(Timed body) throws Exception {
    long start = System.nanoTime();
    body.run();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
