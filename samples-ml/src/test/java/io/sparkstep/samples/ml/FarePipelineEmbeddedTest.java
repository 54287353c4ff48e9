package io.sparkstep.samples.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.pipeline.Pipeline;
import io.sparkstep.pipeline.PipelineFile;
import io.sparkstep.pipeline.PipelineLaunch;
import io.sparkstep.pipeline.PipelineRun;
import io.sparkstep.pipeline.PipelineRunRecord;
import io.sparkstep.pipeline.PipelineStep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample pipeline of examples/pipelines/fares.yaml on the embedded default, through the Java API: predictions
 * for every feature row, each step's record linked to the pipeline run, artifacts at their per-run locations.
 */
class FarePipelineEmbeddedTest {
  @TempDir
  Path home;

  @Test
  void theSamplePipelineRunsToPredictionsOnTheEmbeddedDefault() throws Exception {
    Pipeline fares = PipelineFile.read(Path.of("..", "examples", "pipelines", "fares.yaml"));
    // The file's shape as written; smaller data and model so the test stays short.
    fares.step("trips").orElseThrow().params.putAll(java.util.Map.of("rows", 8_000, "zones", 20));
    fares.step("train").orElseThrow().params.putAll(java.util.Map.of("maxIter", 3, "maxDepth", 2));
    for (PipelineStep step : fares.steps) {
      step.conf.put("spark.sql.shuffle.partitions", "4");
    }
    PipelineRun run = PipelineLaunch.of(fares).home(home).parallelism(2).submit();
    RunState state = run.await(Duration.ofMinutes(5));
    PipelineRunRecord record = run.record();
    assertEquals(RunState.SUCCEEDED, state, () -> String.valueOf(record.error));

    String features = record.step("features").orElseThrow().outputs.get("features");
    String predictions = record.step("score").orElseThrow().outputs.get("predictions");
    String store = home.resolve("artifacts").toAbsolutePath().toUri().toString();
    assertTrue(predictions.startsWith(store + "fares/score/" + record.step("score").orElseThrow().runId + "/"),
        predictions);
    SparkSession spark = SparkSession.active();
    assertEquals(spark.read().parquet(features).count(), spark.read().parquet(predictions).count(),
        "one prediction per feature row");

    RunStore runs = new RunStore(home);
    String sparkApp = runs.load(record.steps.get(0).runId).orElseThrow().sparkAppId;
    for (PipelineRunRecord.StepEntry step : record.steps) {
      RunRecord stepRecord = runs.load(step.runId).orElseThrow();
      // Local steps run in the pipeline's JVM: one Spark application (one start) for all four.
      assertEquals(sparkApp, stepRecord.sparkAppId, step.id + " shares the pipeline's SparkContext");
      assertEquals(run.id(), stepRecord.pipelineRun, step.id);
      assertEquals(step.id, stepRecord.pipelineStep);
      assertEquals(RunState.SUCCEEDED, stepRecord.state, step.id);
    }
  }
}
