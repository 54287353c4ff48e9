package io.sparkstep.bench;

import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench --suite tpch}: the 22 TPC-H queries, vanilla Spark vs Comet, each query in a child JVM of the local
 * flavor per variant (same operator, same settings; only {@code --accelerator comet} differs), who goes first
 * alternating by query; inside each child the query runs warm-up + repetition times and each iteration is timed.
 * Answers are checked across the two variants and, at SF=1, against the specification's reference row counts.
 * RAPIDS eligibility per query comes from explain-only runs (the RAPIDS plugin planning on the CPU). Writes
 * results.csv, answers.csv, eligibility.csv, report.md and tpch-ratios.png.
 */
public final class TpchSuite {
  /** Operator the suite registers: the local flavor with a child JVM per run. */
  static final String OPERATOR = "bench-process";
  /** The suite's own label on explain runs, so its report tells them apart from the stored specs afterwards. */
  static final String EXPLAIN_VARIANT_LABEL = "bench.explain";
  /** Heap of every child JVM, vanilla and Comet alike (Comet also gets spark-conf/comet.conf's off-heap pool). */
  static final String CHILD_HEAP = "3g";

  /**
   * {@code scale}: the tables' scale factor; {@code eligibilityScale}: the scale of the RAPIDS explain-only runs (they
   * report plans, which do not depend on the data size, so a small scale saves their time).
   */
  public record Settings(double scale, List<Integer> queries, int warmups, int reps, double eligibilityScale) {
    public static Settings quick() {
      // Two queries (q1: scan, aggregate, sort; q13: outer join, nested aggregate), each a vanilla, a Comet and an
      // explain-only child JVM: under 3 minutes on 2 cores, what CI runs. All 22 run in TpchQueriesTest at SF 0.01.
      return new Settings(0.01, List.of(1, 13), 1, 2, 0.01);
    }

    public static Settings full(double scale) {
      return new Settings(scale, IntStream.rangeClosed(1, TpchQueries.count()).boxed().toList(), 1, 3, 0.01);
    }

    public Settings withReps(int newReps) {
      return new Settings(scale, queries, warmups, newReps, eligibilityScale);
    }

    public Settings withQueries(List<Integer> newQueries) {
      return new Settings(scale, newQueries, warmups, reps, eligibilityScale);
    }
  }

  /** One query's outcome: answers, their agreement, Comet's coverage and RAPIDS' eligibility. */
  public record QueryResult(int query, String firstVariant, TpchAnswer vanilla, TpchAnswer comet, String difference,
      Integer referenceRows, Integer cometOperators, Integer cometOperatorsTotal, List<String> cometFallbacks,
      Integer gpuOperators, Integer gpuOperatorsTotal, List<String> gpuReasons) {
    QueryResult withGpu(RunRecord.AcceleratorInfo gpu) {
      int[] onGpu = queryCoverage(gpu);
      return new QueryResult(query, firstVariant, vanilla, comet, difference, referenceRows, cometOperators,
          cometOperatorsTotal, cometFallbacks, onGpu == null ? null : onGpu[0], onGpu == null ? null : onGpu[1],
          queryFallbacks(gpu));
    }

    public boolean answersAgree() {
      return difference == null && (referenceRows == null || referenceRows == vanilla.rows());
    }
  }

  private final Settings settings;
  private final Path out;
  private final Path home;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<QueryResult> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public TpchSuite(Settings settings, Path out) {
    this.settings = settings;
    this.out = out;
    this.home = out.resolve("work/home");
  }

  public List<QueryResult> run() throws Exception {
    Files.createDirectories(out);
    new OperatorStore(home, new FlavorRegistry()).register(OPERATOR, "local",
        Map.of("isolation", "process", "driverMemory", CHILD_HEAP), true);
    Path data = generate(settings.scale());
    // Timings and answers of every query first, RAPIDS eligibility after: on a loaded machine a run that is cut
    // short still has what matters most, and the report is rewritten after each query so it always shows it.
    for (int i = 0; i < settings.queries().size(); i++) {
      int q = settings.queries().get(i);
      // Who goes first alternates by query, so neither variant always meets the page cache (and the machine's other
      // load) in the same state.
      boolean vanillaFirst = i % 2 == 0;
      RunRecord first = query(q, data, vanillaFirst ? null : "comet");
      RunRecord second = query(q, data, vanillaFirst ? "comet" : null);
      RunRecord vanilla = vanillaFirst ? first : second;
      RunRecord comet = vanillaFirst ? second : first;
      TpchAnswer vanillaAnswer = answer(vanilla);
      TpchAnswer cometAnswer = answer(comet);
      timings(q, "vanilla", vanilla);
      timings(q, "comet", comet);
      QueryResult result = result(q, vanillaFirst ? "vanilla" : "comet", vanillaAnswer, cometAnswer, comet, null);
      results.add(result);
      System.err.println("bench: tpch q" + q + " answers " + (result.answersAgree() ? "agree" : "DIFFER: "
          + (result.difference() != null ? result.difference() : "rows " + vanillaAnswer.rows() + " vs reference "
          + result.referenceRows())) + ", rows " + vanillaAnswer.rows());
      TpchReport.write(out, settings, measurements, results, notes);
    }
    Path eligibilityData = settings.eligibilityScale() == settings.scale() ? data : generate(settings.eligibilityScale());
    for (int i = 0; i < results.size(); i++) {
      QueryResult r = results.get(i);
      RunRecord.AcceleratorInfo gpu = explainRapids(r.query(), eligibilityData);
      results.set(i, r.withGpu(gpu));
      TpchReport.write(out, settings, measurements, results, notes);
    }
    TpchReport.write(out, settings, measurements, results, notes);
    return results;
  }

  /**
   * Operators of the harness, not of the query: the step's temp views of the eight tables and the writes of the
   * collected answer and timings. Coverage counts the query's own operators only.
   */
  static final java.util.Set<String> HARNESS_OPERATORS = java.util.Set.of("Execute CreateViewCommand",
      "LocalTableScan", "WriteFiles");

  private static boolean harness(String operator) {
    return HARNESS_OPERATORS.stream().anyMatch(operator::startsWith);
  }

  /** {accelerated, total} of the query's own operators in the run's plans; null when not recorded. */
  static int[] queryCoverage(RunRecord.AcceleratorInfo info) {
    if (info == null || info.operatorsTotal == null) {
      return null;
    }
    if (info.plan == null || info.plan.isEmpty()) {
      return new int[] {info.operatorsAccelerated, info.operatorsTotal};
    }
    List<RunRecord.AcceleratorInfo.PlanEntry> own = info.plan.stream()
        .filter(e -> "operator".equals(e.kind) && !harness(e.name)).toList();
    return new int[] {(int) own.stream().filter(e -> e.accelerated).count(), own.size()};
  }

  static List<String> queryFallbacks(RunRecord.AcceleratorInfo info) {
    return info == null ? List.of() : info.notAccelerated.stream().filter(n -> !harness(n)).toList();
  }

  private QueryResult result(int q, String firstVariant, TpchAnswer vanillaAnswer, TpchAnswer cometAnswer,
      RunRecord comet, RunRecord.AcceleratorInfo gpu) {
    Integer reference = settings.scale() == 1.0 ? TpchQueries.SF1_ROWS.get(q - 1) : null;
    int[] native_ = queryCoverage(comet.accelerator);
    return new QueryResult(q, firstVariant, vanillaAnswer, cometAnswer, vanillaAnswer.differenceFrom(cometAnswer),
        reference, native_ == null ? null : native_[0], native_ == null ? null : native_[1],
        queryFallbacks(comet.accelerator), null, null, List.of()).withGpu(gpu);
  }

  /**
   * The report again from what a run left under {@code out} (run records, specs, answers, timings): for a run that
   * was cut short, or to re-render a report with this code. Queries with both variants recorded are reported.
   */
  public List<QueryResult> reportFromRecords() throws Exception {
    RunStore store = new RunStore(home);
    Map<Integer, Map<String, RunRecord>> byQuery = new java.util.TreeMap<>();
    List<Integer> order = new ArrayList<>();
    for (RunRecord record : store.list().stream()
        .sorted(java.util.Comparator.comparing(r -> r.submittedAt)).toList()) {
      if (!"tpch-query".equals(record.step) || record.state != RunState.SUCCEEDED) {
        continue;
      }
      StepSpec spec = store.loadSpec(record.runId).orElse(null);
      if (spec == null) {
        continue;
      }
      int q = ((Number) spec.params.get("query")).intValue();
      boolean explain = "true".equals(spec.labels.get(EXPLAIN_VARIANT_LABEL));
      String variant = explain ? "rapids-explain" : spec.accelerator == null ? "vanilla" : spec.accelerator;
      if (!byQuery.containsKey(q)) {
        order.add(q);
      }
      byQuery.computeIfAbsent(q, k -> new java.util.LinkedHashMap<>()).putIfAbsent(variant, record);
    }
    for (int q : order) {
      Map<String, RunRecord> runs = byQuery.get(q);
      if (!runs.containsKey("vanilla") || !runs.containsKey("comet")) {
        continue;
      }
      String first = runs.keySet().iterator().next();
      timings(q, "vanilla", runs.get("vanilla"));
      timings(q, "comet", runs.get("comet"));
      RunRecord.AcceleratorInfo gpu = runs.containsKey("rapids-explain") ? runs.get("rapids-explain").accelerator : null;
      results.add(result(q, first, answer(runs.get("vanilla")), answer(runs.get("comet")), runs.get("comet"), gpu));
    }
    notes.add("Report rebuilt from the run records, answers and timings under " + out.resolve("work")
        + " (bench --suite tpch --report-only).");
    TpchReport.write(out, settings, measurements, results, notes);
    return results;
  }

  public List<Measurement> measurements() {
    return measurements;
  }

  private Path generate(double scale) throws Exception {
    Path dir = out.resolve("work/tpch-sf" + format(scale));
    if (!Files.exists(dir.resolve("lineitem/_SUCCESS"))) {
      long start = System.nanoTime();
      Sparkstep launch = Sparkstep.operator("local", home).step("generate-tpch").param("scale", scale).overwrite();
      for (String table : TpchQueries.TABLES) {
        launch.output(table, dir.resolve(table).toUri().toString());
      }
      require(launch.submit());
      notes.add(String.format(Locale.ROOT, "TPC-H SF %s generated in %.0f s (io.trino.tpch 1.2, Parquet, money as "
          + "DECIMAL(15,2)).", format(scale), (System.nanoTime() - start) / 1e9));
    }
    return dir;
  }

  private RunRecord query(int q, Path data, String accelerator) throws Exception {
    return require(launch(q, data, accelerator, settings.scale(), settings.warmups() + settings.reps(), false)
        .submit());
  }

  /** RAPIDS explain-only: the plugin plans on the CPU and records, per operator, whether it would run on a GPU. */
  private RunRecord.AcceleratorInfo explainRapids(int q, Path data) throws Exception {
    try {
      RunRecord explained = require(launch(q, data, "rapids", settings.eligibilityScale(), 1, true).submit());
      return explained.accelerator;
    } catch (IllegalStateException | InvalidSpecException e) {
      notes.add("RAPIDS eligibility not measured for q" + q + ": " + e.getMessage());
      return null;
    }
  }

  private Sparkstep launch(int q, Path data, String accelerator, double scale, int iterations, boolean explain) {
    String variant = (accelerator == null ? "vanilla" : accelerator) + (explain ? "-explain" : "");
    Path answers = out.resolve("work/answers/q" + q + "-" + variant);
    Sparkstep launch = Sparkstep.operator(OPERATOR, home).step("tpch-query").param("query", q).param("scale", scale)
        .param("iterations", iterations).output("answer", answers.resolve("answer").toUri().toString())
        .output("timings", answers.resolve("timings").toUri().toString()).overwrite();
    for (String table : TpchQueries.TABLES) {
      launch.input(table, data.resolve(table).toUri().toString());
    }
    if (accelerator != null) {
      launch.accelerator(accelerator);
    }
    if (explain) {
      launch.explain().label(EXPLAIN_VARIANT_LABEL, "true");
    }
    return launch;
  }

  private static TpchAnswer answer(RunRecord run) {
    return TpchAnswer.of(session().read().parquet(run.outputs.get("answer").uri));
  }

  /** The child's per-iteration times; the first {@code warmups} are the warm-up and not kept. */
  private void timings(int q, String variant, RunRecord run) {
    List<Row> rows = session().read().parquet(run.outputs.get("timings").uri)
        .orderBy("iteration").collectAsList();
    for (Row row : rows) {
      int iteration = row.getInt(1);
      if (iteration >= settings.warmups()) {
        Measurement m = new Measurement("tpch", workload(q), variant, row.getLong(3), iteration - settings.warmups(),
            row.getLong(2), 0);
        measurements.add(m);
        System.err.println("bench: tpch " + m.workload() + " " + variant + " rep=" + m.rep() + " " + m.millis() + " ms");
      }
    }
  }

  /** The session of this JVM (the in-process generate step started it), or a local one for --report-only. */
  private static SparkSession session() {
    return SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get()
        : SparkSession.builder().master("local[*]").appName("tpch-report").getOrCreate();
  }

  static String workload(int q) {
    return String.format(Locale.ROOT, "q%02d", q);
  }

  static String format(double scale) {
    return scale == Math.rint(scale) ? Long.toString((long) scale) : Double.toString(scale);
  }

  private RunRecord require(StepRun run) throws Exception {
    return BenchmarkRunner.requireSucceeded(home, run);
  }
}
