package io.sparkstep.bench.workloads;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.samples.TripFeaturesStep;
import io.sparkstep.samples.ml.FarePipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Benchmark workload: a whole training step from raw trips, the way the benchmarks feed every workload (trips and
 * zones in, one output). Its ETL (the trip-features aggregation and windows) is what Comet and RAPIDS can take over;
 * the GBT fit is Spark ML's RDD code, the same with any accelerator, so the split shows in the timings. It lives here
 * and not in samples-ml because it reuses the engine's trip-features sample, and samples-ml needs only the api.
 */
public final class TrainWorkloadStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("bench-train")
        .description("benchmark: trip features, then a GBT fare model fitted and scored on the test days")
        .input("trips", "trips from generate-trips").input("zones", "zones from generate-trips")
        .output("out", "test-day predictions").build();
  }

  @Override
  public void run(StepContext context) {
    Dataset<Row> features = TripFeaturesStep.features(context.input("trips"), context.input("zones"), 0.0, 3).cache();
    try {
      String testFrom = "2024-01-25";
      PipelineModel model = FarePipeline.pipeline("gbt", 10, 4, 7L).fit(features.filter(not(FarePipeline.isTest(testFrom))));
      Dataset<Row> predictions = model.transform(features.filter(FarePipeline.isTest(testFrom)))
          .select(col("pickup_zone"), col(FarePipeline.DATE), col("pickup_hour"), col(FarePipeline.LABEL),
              col(FarePipeline.PREDICTION));
      context.output("out", predictions);
    } finally {
      features.unpersist();
    }
  }
}
