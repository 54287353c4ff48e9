package io.sparkstep.samples.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.flavor.sparksubmit.ApplicationJar;
import io.sparkstep.flavor.sparksubmit.LocalCluster;
import io.sparkstep.flavor.sparksubmit.SparkDistribution;
import io.sparkstep.flavor.sparksubmit.SparkSubmitFlavor;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.pipeline.Pipeline;
import io.sparkstep.pipeline.PipelineFile;
import io.sparkstep.pipeline.PipelineLaunch;
import io.sparkstep.pipeline.PipelineRunHandle;
import io.sparkstep.pipeline.PipelineRunRecord;
import io.sparkstep.pipeline.PipelineStep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.SparkstepHome;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sample pipeline (examples/pipelines/fares.yaml) with its data steps on the embedded default, train on a real
 * standalone cluster (Master + Worker JVMs from Maven's Spark jars, spark-mllib 4.1.0 among them, as in a Spark
 * install's jars/) in client mode, and score on the cluster in cluster mode, where the driver runs on a worker: every
 * step's record names the pipeline run and its step, the model artifact is committed and loadable, metrics come back
 * from the remote driver's record, and there is one prediction per feature row with metrics matching those
 * recomputed here.
 */
@Tag("slow")
class FareModelStandaloneClusterTest {
  /**
   * The four steps, a few minutes on an idle machine; on the shared 2-core one at a load near 50 they took 16 (train
   * 7 and score 5.5 of them), so the bound leaves room for that.
   */
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final String TEST_FROM = "2024-01-25";
  private static LocalCluster cluster;
  private static Path home;

  @BeforeAll
  static void startCluster() throws Exception {
    home = SparkstepHome.resolve();
    SparkDistribution spark = SparkDistribution.assemble(home.resolve("spark-dist"));
    Path state = home.resolve("test-cluster-" + FareModelStandaloneClusterTest.class.getSimpleName());
    LocalCluster.load(state).ifPresent(stale -> {
      try {
        stale.stop();
      } catch (Exception ignored) {
        // left by a killed earlier run
      }
    });
    cluster = LocalCluster.start(spark, state, 1, 2, "1500m", "256m", Duration.ofSeconds(120));
    // the samples' own jar reaches the cluster as a user's step jar would: through the operator's jars
    Path samplesJar = ApplicationJar.jarOf(TrainFareModelStep.class, home.resolve("samples-ml-classes.jar"));
    OperatorStore operators = new OperatorStore(home, new FlavorRegistry());
    for (String mode : new String[] {"client", "cluster"}) {
      Map<String, String> settings = cluster.operatorSettings(mode);
      settings.put("jars", samplesJar.toString());
      settings.put("conf.spark.executor.memory", "640m");
      settings.put("conf.spark.driver.memory", "640m");
      settings.put("conf.spark.ui.enabled", "false");
      settings.put("conf.spark.sql.shuffle.partitions", "4");
      operators.register("ml-" + mode, SparkSubmitFlavor.NAME, settings, true);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.stop();
    }
  }

  @Test
  void theSamplePipelineTrainsInClientModeAndScoresInClusterModeOnTheStandaloneCluster() throws Exception {
    Pipeline fares = PipelineFile.read(Path.of("..", "examples", "pipelines", "fares.yaml"));
    // The sample as written, with train and score moved to the cluster and the data made small.
    fares.step("trips").orElseThrow().params.putAll(Map.of("rows", 4_000, "zones", 15));
    PipelineStep trainStep = fares.step("train").orElseThrow();
    trainStep.operator = "ml-client";
    // linear: one pass over the data, so the cluster test checks the plumbing, not the patience of 2 shared cores
    trainStep.params.putAll(Map.of("regressor", "linear", "testFrom", TEST_FROM));
    fares.step("score").orElseThrow().operator = "ml-cluster";
    for (PipelineStep step : fares.steps) {
      step.conf.put("spark.sql.shuffle.partitions", "4");
    }
    PipelineRunHandle run = PipelineLaunch.of(fares).home(home).submit();
    RunState state = run.await(TIMEOUT);
    PipelineRunRecord pipeline = run.record();
    assertEquals(RunState.SUCCEEDED, state, () -> pipeline.error + "\n" + pipeline.steps.stream()
        .map(s -> s.id + " " + s.state + " " + s.error).reduce("", (a, b) -> a + b + "\n"));

    RunStore runs = new RunStore(home);
    for (PipelineRunRecord.StepEntry step : pipeline.steps) {
      RunRecord stepRecord = runs.load(step.runId).orElseThrow();
      assertEquals(RunState.SUCCEEDED, stepRecord.state, step.id);
      assertEquals(run.id(), stepRecord.pipelineRun, step.id + " is linked to its pipeline run");
      assertEquals(step.id, stepRecord.pipelineStep);
    }
    RunRecord trained = runs.load(pipeline.step("train").orElseThrow().runId).orElseThrow();
    assertEquals(cluster.masterUrl(), trained.sparkMaster, "trained on the cluster");
    RunRecord.ModelInfo model = trained.models.get("model");
    assertNotNull(model, "the remote driver's model output is in the record: " + trained.models);
    assertEquals(PipelineModel.class.getName(), model.modelClass);
    assertEquals("4.1.1", model.sparkVersion, "saved by the cluster's Spark 4.1.1 with mllib 4.1.0");
    assertTrue(model.sizeBytes > 1000);
    assertTrue(trained.metrics.containsKey("rmse"), "metrics merged from the remote driver: " + trained.metrics);
    String modelUri = pipeline.step("train").orElseThrow().outputs.get("model");
    assertEquals(4, PipelineModel.load(modelUri).stages().length, "loadable here");
    assertTrue(Files.isDirectory(Path.of(URI.create(modelUri)).resolve("stages")));

    RunRecord scored = runs.load(pipeline.step("score").orElseThrow().runId).orElseThrow();
    assertNotNull(scored.platform.get("driverId"), "the scoring driver ran on a worker");
    String features = pipeline.step("features").orElseThrow().outputs.get("features");
    Dataset<Row> predictions = SparkSession.active().read()
        .parquet(pipeline.step("score").orElseThrow().outputs.get("predictions"));
    long rows = SparkSession.active().read().parquet(features).count();
    assertEquals(rows, predictions.count(), "one prediction per feature row");
    assertEquals(rows, scored.outputs.get("predictions").rows);
    FareModelEmbeddedTest.assertMetricsEqual(FareMetrics.of(predictions.filter(FarePipeline.isTest(TEST_FROM))
        .select("avg_fare", "prediction").collectAsList()), trained.metrics);
  }
}
