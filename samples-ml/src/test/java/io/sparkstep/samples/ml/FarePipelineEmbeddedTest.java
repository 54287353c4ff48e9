package io.sparkstep.samples.ml;

import static io.sparkstep.api.launch.PipelineRequest.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.PipelineRun;
import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.api.launch.PipelineRequest;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample pipeline of examples/pipelines/fares.yaml on the embedded default, through the api's launcher as an
 * embedding application writes it: predictions for every feature row, each step's record linked to the pipeline run,
 * artifacts at their per-run locations.
 */
class FarePipelineEmbeddedTest {
  @TempDir
  Path home;

  @Test
  void theSamplePipelineRunsToPredictionsOnTheEmbeddedDefault() throws Exception {
    // The file's steps; smaller data and model so the test stays short.
    PipelineRequest fares = PipelineRequest.builder("fares").operator("local").home(home).parallelism(2)
        .step("trips", "generate-trips").param("rows", 8_000).param("zones", 20)
        .conf("spark.sql.shuffle.partitions", "4")
        .step("features", "trip-features").input("trips", from("trips.trips")).input("zones", from("trips.zones"))
        .conf("spark.sql.shuffle.partitions", "4")
        .step("train", "train-fare-model").param("maxIter", 3).param("maxDepth", 2)
        .input("features", from("features.features")).conf("spark.sql.shuffle.partitions", "4")
        .step("score", "score-trips").input("features", from("features.features")).input("model", from("train.model"))
        .conf("spark.sql.shuffle.partitions", "4")
        .build();
    PipelineRun run = Sparkstep.pipeline(fares).submit();
    CountDownLatch heardScoreSucceed = new CountDownLatch(1);
    run.addListener(r -> {
      if (r.stepStates().get("score") == PipelineStepState.SUCCEEDED) {
        heardScoreSucceed.countDown();
      }
    });

    RunState state = run.await(Duration.ofMinutes(5));
    assertEquals(RunState.SUCCEEDED, state, run::error);
    assertEquals(Map.of("trips", PipelineStepState.SUCCEEDED, "features", PipelineStepState.SUCCEEDED,
        "train", PipelineStepState.SUCCEEDED, "score", PipelineStepState.SUCCEEDED), run.stepStates());
    assertEquals(List.of("trips", "features", "train", "score"), List.copyOf(run.stepRunIds().keySet()));

    String features = run.stepRun("features").record().outputs().get("features").uri();
    RunRecordView score = run.stepRun("score").record();
    String predictions = score.outputs().get("predictions").uri();
    String store = home.resolve("artifacts").toAbsolutePath().toUri().toString();
    assertTrue(predictions.startsWith(store + "fares/score/" + score.runId() + "/"), predictions);
    SparkSession spark = SparkSession.active();
    assertEquals(spark.read().parquet(features).count(), spark.read().parquet(predictions).count(),
        "one prediction per feature row");
    assertTrue(run.logs("score", false).findAny().isPresent(), "the score step's log");

    // Local steps run in the pipeline's JVM: one Spark application (one start) for all four.
    String sparkApp = run.stepRun("trips").record().sparkAppId();
    RunStore runs = new RunStore(home);
    for (Map.Entry<String, String> step : run.stepRunIds().entrySet()) {
      assertEquals(sparkApp, run.stepRun(step.getKey()).record().sparkAppId(), step.getKey() + " shares the JVM");
      RunRecord stepRecord = runs.load(step.getValue()).orElseThrow();
      assertEquals(run.id(), stepRecord.pipelineRun, step.getKey());
      assertEquals(step.getKey(), stepRecord.pipelineStep);
    }
    assertTrue(heardScoreSucceed.await(30, TimeUnit.SECONDS), "a listener hears the last step succeed");
  }
}
