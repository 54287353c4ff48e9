package io.sparkstep.samples.ml;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Fits the fare pipeline, stages its model and a data output, then fails: nothing of it may be committed. */
public final class FitThenFailStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("fit-then-fail")
        .input("features", "trip-features output")
        .modelOutput("model", "never committed")
        .output("scored", "never committed")
        .build();
  }

  @Override
  public void run(StepContext context) {
    Dataset<Row> features = context.input("features");
    PipelineModel model = FarePipeline.pipeline("linear", 5, 2, 1L).fit(features);
    context.metric("fitted", 1);
    context.outputModel("model", model);
    context.output("scored", model.transform(features).select("pickup_zone", "prediction"));
    throw new IllegalStateException("evaluation failed after fitting");
  }
}
