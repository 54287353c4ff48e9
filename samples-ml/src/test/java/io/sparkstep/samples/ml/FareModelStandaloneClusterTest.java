package io.sparkstep.samples.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.flavor.sparksubmit.ApplicationJar;
import io.sparkstep.flavor.sparksubmit.LocalCluster;
import io.sparkstep.flavor.sparksubmit.SparkDistribution;
import io.sparkstep.flavor.sparksubmit.SparkSubmitFlavor;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.SparkstepHome;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Train on a real standalone cluster (Master + Worker JVMs from Maven's Spark jars, spark-mllib 4.1.0 among them, as
 * in a Spark install's jars/) in client mode, and score with the model on the cluster in cluster mode, where the
 * driver runs on a worker: the model is committed and loadable, metrics come back from the remote driver's record,
 * and there is one prediction per row with metrics matching those recomputed here.
 */
@Tag("slow")
class FareModelStandaloneClusterTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final String TEST_FROM = "2024-01-25";
  private static LocalCluster cluster;
  private static Path home;

  @TempDir
  static Path data;

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

  private static StepRun await(StepRun run) throws Exception {
    assertEquals(RunState.SUCCEEDED, run.await(TIMEOUT), () -> "error: " + run.record().errorMessage() + "\nlog:\n"
        + run.logs(false).skip(Math.max(0, run.logs(false).count() - 60)).reduce("", (a, b) -> a + b + "\n"));
    return run;
  }

  private static String uri(String name) {
    return "file://" + data.resolve(name).toAbsolutePath();
  }

  @Test
  void trainInClientModeAndScoreInClusterModeOnTheStandaloneCluster() throws Exception {
    String trips = uri("trips");
    String zones = uri("zones");
    String features = uri("features");
    Sparkstep local = Sparkstep.operator("local", home).conf("spark.sql.shuffle.partitions", "4");
    await(local.step("generate-trips").param("rows", 4_000).param("zones", 15)
        .output("trips", trips).output("zones", zones).submit());
    await(Sparkstep.operator("local", home).conf("spark.sql.shuffle.partitions", "4").step("trip-features")
        .input("trips", trips).input("zones", zones).output("features", features).submit());

    // linear: one pass over the data, so the cluster test checks the plumbing, not the patience of 2 shared cores
    StepRun train = await(Sparkstep.operator("ml-client", home).step("train-fare-model").param("regressor", "linear")
        .param("testFrom", TEST_FROM).input("features", features)
        .output("model", uri("model")).output("testPredictions", uri("test-predictions")).submit());
    RunRecord trained = new RunStore(home).load(train.id()).orElseThrow();
    assertEquals(cluster.masterUrl(), trained.sparkMaster, "trained on the cluster");
    RunRecord.ModelInfo model = trained.models.get("model");
    assertNotNull(model, "the remote driver's model output is in the record: " + trained.models);
    assertEquals(PipelineModel.class.getName(), model.modelClass);
    assertEquals("4.1.1", model.sparkVersion, "saved by the cluster's Spark 4.1.1 with mllib 4.1.0");
    assertTrue(model.sizeBytes > 1000);
    assertTrue(trained.metrics.containsKey("rmse"), "metrics merged from the remote driver: " + trained.metrics);
    assertEquals(4, PipelineModel.load(uri("model")).stages().length, "loadable here");

    StepRun score = await(Sparkstep.operator("ml-cluster", home).step("score-trips").input("features", features)
        .input("model", uri("model")).output("predictions", uri("predictions")).submit());
    RunRecord scored = new RunStore(home).load(score.id()).orElseThrow();
    assertNotNull(scored.platform.get("driverId"), "the scoring driver ran on a worker");
    Dataset<Row> predictions = SparkSession.active().read().parquet(uri("predictions"));
    long rows = SparkSession.active().read().parquet(features).count();
    assertEquals(rows, predictions.count(), "one prediction per row");
    assertEquals(rows, scored.outputs.get("predictions").rows);
    FareModelEmbeddedTest.assertMetricsEqual(FareMetrics.of(predictions.filter(FarePipeline.isTest(TEST_FROM))
        .select("avg_fare", "prediction").collectAsList()), trained.metrics);
    assertTrue(Files.isDirectory(data.resolve("model").resolve("stages")));
  }
}
