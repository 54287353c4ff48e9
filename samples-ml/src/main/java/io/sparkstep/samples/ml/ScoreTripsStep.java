package io.sparkstep.samples.ml;

import static org.apache.spark.sql.functions.col;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores trip-features rows with a fare model from train-fare-model: one prediction per input row. It may run on
 * another operator than the training: the model travels as a saved Spark ML model, loaded by its stored class.
 */
public final class ScoreTripsStep implements Step {

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("score-trips")
        .description("Predicts each zone-hour's average fare with a model of train-fare-model")
        .input("features", "output features of trip-features")
        .modelInput("model", "output model of train-fare-model", PipelineModel.class.getName())
        .output("predictions", "zone, date, hour, the actual fare where known, and the predicted fare")
        .build();
  }

  @Override
  public void run(StepContext context) {
    PipelineModel model = context.inputModel("model", PipelineModel.class);
    Dataset<Row> features = context.input("features");
    List<Column> keep = new ArrayList<>(List.of(col("pickup_zone"), col(FarePipeline.DATE), col("pickup_hour")));
    if (List.of(features.columns()).contains(FarePipeline.LABEL)) {
      keep.add(col(FarePipeline.LABEL));
    }
    keep.add(col(FarePipeline.PREDICTION));
    context.output("predictions", model.transform(features).select(keep.toArray(new Column[0])));
  }
}
