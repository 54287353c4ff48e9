package io.sparkstep.samples.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate → features → train → score on embedded Spark, through the Java API and the CLI: model committed and
 * loadable, one prediction per row, recorded metrics equal to those recomputed here, nothing committed by a step that
 * fails after fitting, and a model input of the wrong class refused.
 */
@Tag("slow")
class FareModelEmbeddedTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String TEST_FROM = "2024-01-25";

  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perClass();
  @TempDir
  static Path shared;
  static Path home;
  static String features;

  @TempDir
  Path tmp;

  @BeforeAll
  static void tripFeatures() throws Exception {
    home = HOME.path();
    String trips = shared.resolve("trips").toUri().toString();
    String zones = shared.resolve("zones").toUri().toString();
    features = shared.resolve("features").toUri().toString();
    await(local().step("generate-trips").param("rows", 8_000).param("zones", 20)
        .output("trips", trips).output("zones", zones).submit());
    await(local().step("trip-features").input("trips", trips).input("zones", zones)
        .output("features", features).submit());
  }

  private static Sparkstep local() {
    return Sparkstep.operator("local", home).conf("spark.sql.shuffle.partitions", "4");
  }

  private static StepRun await(StepRun run) throws Exception {
    assertEquals(RunState.SUCCEEDED, run.await(TIMEOUT), () -> String.valueOf(run.record().errorMessage()));
    return run;
  }

  private static RunRecord stored(StepRun run) {
    return new RunStore(home).load(run.id()).orElseThrow();
  }

  private String uri(String name) {
    return "file://" + tmp.resolve(name).toAbsolutePath();
  }

  @Test
  void trainAndScoreThroughTheJavaApi() throws Exception {
    long started = System.nanoTime();
    StepRun train = await(local().step(TrainFareModelStep.class).param("maxIter", 5).param("maxDepth", 3)
        .param("testFrom", TEST_FROM).input("features", features)
        .output("model", uri("model")).output("testPredictions", uri("test-predictions")).submit());
    double trainSeconds = (System.nanoTime() - started) / 1e9;
    RunRecord record = stored(train);

    RunRecord.ModelInfo model = record.models.get("model");
    assertNotNull(model, "the model output is in the record");
    assertTrue(model.committed);
    assertEquals(uri("model"), model.uri);
    assertEquals(PipelineModel.class.getName(), model.modelClass);
    assertEquals(SparkSession.active().version(), model.sparkVersion);
    assertTrue(model.sizeBytes > 1000, "size " + model.sizeBytes);
    assertEquals(Map.of("model", uri("model")), train.record().modelsWritten());
    PipelineModel loaded = PipelineModel.load(uri("model"));
    assertEquals(4, loaded.stages().length, "indexer, encoder, assembler, regressor");

    StepRun score = await(local().step("score-trips").input("features", features).input("model", uri("model"))
        .output("predictions", uri("predictions")).submit());
    Dataset<Row> predictions = SparkSession.active().read().parquet(uri("predictions"));
    long rows = SparkSession.active().read().parquet(features).count();
    assertEquals(rows, predictions.count(), "one prediction per feature row");
    assertEquals(rows, score.record().rowsWritten().get("predictions"));

    FareMetrics recomputed = FareMetrics.of(predictions.filter(FarePipeline.isTest(TEST_FROM))
        .select("avg_fare", "prediction").collectAsList());
    assertMetricsEqual(recomputed, record.metrics);
    assertEquals((double) (rows - recomputed.rows()), ((Number) record.metrics.get("trainRows")).doubleValue());
    assertTrue(recomputed.r2() > 0.5, "the model learnt something: r2 " + recomputed.r2());
    System.out.printf("train-fare-model gbt maxIter=5 maxDepth=3 on %d rows: run %.1f s, fit %.1f s, metrics %s%n",
        rows, trainSeconds, ((Number) record.metrics.get("fitSeconds")).doubleValue(), record.metrics);
  }

  static void assertMetricsEqual(FareMetrics recomputed, Map<String, Object> metrics) {
    assertClose(recomputed.rmse(), metrics.get("rmse"), "rmse");
    assertClose(recomputed.mae(), metrics.get("mae"), "mae");
    assertClose(recomputed.r2(), metrics.get("r2"), "r2");
    assertEquals((double) recomputed.rows(), ((Number) metrics.get("testRows")).doubleValue());
  }

  private static void assertClose(double expected, Object recorded, String name) {
    assertNotNull(recorded, name + " recorded");
    double value = ((Number) recorded).doubleValue();
    assertEquals(expected, value, 1e-9 * Math.max(1, Math.abs(expected)), name);
  }

  @Test
  void trainAndScoreThroughTheCliWithModelsAndMetricsInStatusAndList() throws Exception {
    CliCall train = CliCall.of("run", "--step", "train-fare-model", "--param", "maxIter=3", "--param", "maxDepth=2",
        "--input", "features=" + features, "--output", "model=" + uri("model"),
        "--output", "testPredictions=" + uri("test-predictions"), "--conf", "spark.sql.shuffle.partitions=4");
    assertEquals(0, train.code(), train.all());
    assertTrue(train.out().contains("model model: " + uri("model") + " (org.apache.spark.ml.PipelineModel, Spark "),
        train.out());
    assertTrue(train.out().lines().anyMatch(l -> l.trim().startsWith("metric rmse: ")), train.out());
    RunRecord record = new RunStore(home).list().stream().filter(r -> "train-fare-model".equals(r.step)
        && uri("model").equals(r.models.get("model") == null ? null : r.models.get("model").uri)).findFirst().orElseThrow();

    CliCall status = CliCall.of("runs", "status", record.runId);
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("metric r2: "), status.out());
    assertTrue(status.out().contains("metric mae: "), status.out());

    // without --overwrite an existing model is refused before anything runs; with it, replaced at commit
    CliCall again = CliCall.of("run", "--step", "train-fare-model", "--param", "regressor=linear",
        "--input", "features=" + features, "--output", "model=" + uri("model"),
        "--output", "testPredictions=" + uri("test-predictions2"));
    assertEquals(2, again.code(), again.all());
    assertTrue(again.err().contains("outputs.model.uri"), again.err());
    CliCall linear = CliCall.of("run", "--step", "train-fare-model", "--param", "regressor=linear",
        "--input", "features=" + features, "--output", "model=" + uri("model"),
        "--output", "testPredictions=" + uri("test-predictions"), "--overwrite",
        "--conf", "spark.sql.shuffle.partitions=4");
    assertEquals(0, linear.code(), linear.all());
    PipelineModel replaced = PipelineModel.load(uri("model"));
    assertTrue(replaced.stages()[3].getClass().getSimpleName().startsWith("LinearRegression"),
        "the overwritten model is the new one");

    CliCall list = CliCall.of("runs", "list", "--metric", "rmse", "--metric", "r2");
    assertEquals(0, list.code(), list.all());
    assertTrue(list.out().lines().findFirst().orElse("").contains("RMSE"), list.out());
    List<String> rows = list.out().lines().skip(1).toList();
    assertTrue(rows.stream().noneMatch(l -> l.contains("generate-trips")), "runs without the metric are left out");
    assertTrue(rows.stream().filter(l -> l.contains("train-fare-model")).count() >= 2, list.out());
    String gbtLine = rows.stream().filter(l -> l.startsWith(record.runId)).findFirst().orElseThrow();
    assertTrue(gbtLine.contains(sixDigits(record.metrics.get("rmse"))), gbtLine);
    assertTrue(gbtLine.contains(sixDigits(record.metrics.get("r2"))), gbtLine);

    CliCall score = CliCall.of("run", "--step", "score-trips", "--input", "features=" + features,
        "--input", "model=" + uri("model"), "--output", "predictions=" + uri("predictions"));
    assertEquals(0, score.code(), score.all());
    assertEquals(SparkSession.active().read().parquet(features).count(),
        SparkSession.active().read().parquet(uri("predictions")).count());
  }

  private static String sixDigits(Object number) {
    return new java.math.BigDecimal(((Number) number).doubleValue()).round(new java.math.MathContext(6))
        .stripTrailingZeros().toPlainString();
  }

  @Test
  void aStepFailingAfterFittingCommitsNeitherModelNorData() throws Exception {
    StepRun run = local().step(FitThenFailStep.class).input("features", features)
        .output("model", uri("model")).output("scored", uri("scored")).submit();
    assertEquals(RunState.FAILED, run.await(TIMEOUT));
    RunRecord record = stored(run);
    assertTrue(record.error.message.contains("evaluation failed after fitting"), record.error.message);
    assertFalse(Files.exists(tmp.resolve("model")), "no model committed");
    assertFalse(Files.exists(tmp.resolve("scored")), "no data committed");
    assertTrue(record.models.isEmpty(), "no model in the record");
    assertEquals(1.0, ((Number) record.metrics.get("fitted")).doubleValue(), "metrics of a failed run stay visible");
    try (Stream<Path> left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("sparkstep-")), "staging removed");
    }
  }

  @Test
  void aModelInputOfTheWrongClassIsRefusedWithOneClearError() throws Exception {
    new VectorAssembler().setInputCols(new String[] {"trips"}).setOutputCol("v").save(uri("assembler"));
    CliCall wrong = CliCall.of("run", "--step", "score-trips", "--input", "features=" + features,
        "--input", "model=" + uri("assembler"), "--output", "predictions=" + uri("predictions"));
    assertEquals(2, wrong.code(), wrong.all());
    String error = wrong.err().lines().filter(l -> l.contains("inputs.model.uri")).findFirst().orElse(wrong.err());
    assertTrue(error.contains("it is a org.apache.spark.ml.feature.VectorAssembler, not a org.apache.spark.ml.PipelineModel"),
        wrong.err());
    assertFalse(Files.exists(tmp.resolve("predictions")));

    assertTrue(new RunStore(home).list().stream().noneMatch(r -> "score-trips".equals(r.step)
        && r.state == RunState.FAILED), "refused before a run was recorded");

    // a dataset where a model belongs: the same kind of line, through the Java API, before anything is launched
    InvalidSpecException notAModel = assertThrows(InvalidSpecException.class, () -> local().step(ScoreTripsStep.class)
        .input("features", features).input("model", features).output("predictions", uri("predictions")).submit());
    assertEquals(1, notAModel.problems().size(), notAModel.getMessage());
    assertTrue(notAModel.getMessage().contains("inputs.model.uri"), notAModel.getMessage());
    assertTrue(notAModel.getMessage().contains("is not a saved Spark ML model"), notAModel.getMessage());
    assertFalse(Files.exists(tmp.resolve("predictions")));
  }
}
