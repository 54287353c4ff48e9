package io.sparkstep.samples.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains the fare model on trip-features output: a Spark ML pipeline (borough one-hot, feature assembly, a
 * gradient-boosted or linear regressor) fitted on the days before {@code testFrom}, evaluated on the rest. RMSE, MAE and
 * R² on the test days, the row counts and the fit time are the run's metrics; the fitted pipeline is its model output
 * and the test days' predictions its data output, committed together.
 */
public final class TrainFareModelStep implements Step {

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("train-fare-model")
        .description("Fits a fare regressor on trip-features, split by date; RMSE/MAE/R2 as metrics, model as output")
        .param(ParamDef.stringParam("regressor").defaultValue("gbt").choices("gbt", "linear")
            .description("gradient-boosted trees or linear regression"))
        .param(ParamDef.stringParam("testFrom").defaultValue("2024-01-25")
            .description("first day (yyyy-MM-dd) of the test part; earlier days train"))
        .param(ParamDef.intParam("maxIter").defaultValue(20).min(1).max(1000).description("boosting rounds or solver iterations"))
        .param(ParamDef.intParam("maxDepth").defaultValue(4).min(1).max(20).description("tree depth (gbt)"))
        .param(ParamDef.longParam("seed").defaultValue(42L).description("random seed"))
        .input("features", "output features of trip-features")
        .modelOutput("model", "the fitted pipeline (a PipelineModel)")
        .output("testPredictions", "the test days with their predicted fare")
        .build();
  }

  @Override
  public void run(StepContext context) {
    var params = context.params();
    String testFrom = params.getString("testFrom");
    Dataset<Row> features = context.input("features");
    Dataset<Row> train = features.filter(not(FarePipeline.isTest(testFrom))).cache();
    Dataset<Row> test = features.filter(FarePipeline.isTest(testFrom)).cache();
    try {
      train(context, train, test);
    } finally {
      // an embedded session outlives the run: leave no cached blocks behind
      train.unpersist();
      test.unpersist();
    }
  }

  private static void train(StepContext context, Dataset<Row> train, Dataset<Row> test) {
    var params = context.params();
    String testFrom = params.getString("testFrom");
    long trainRows = train.count();
    long testRows = test.count();
    if (trainRows == 0 || testRows == 0) {
      throw new IllegalArgumentException("testFrom " + testFrom + " leaves " + trainRows + " training and " + testRows
          + " test rows; pick a day inside the features' dates");
    }
    long start = System.nanoTime();
    PipelineModel model = FarePipeline.pipeline(params.getString("regressor"), params.getInt("maxIter"),
        params.getInt("maxDepth"), params.getLong("seed")).fit(train);
    double fitSeconds = (System.nanoTime() - start) / 1e9;
    Dataset<Row> predictions = model.transform(test)
        .select(col("pickup_zone"), col(FarePipeline.DATE), col("pickup_hour"), col(FarePipeline.LABEL),
            col(FarePipeline.PREDICTION))
        .cache();
    context.metric("rmse", FarePipeline.evaluate(predictions, "rmse"));
    context.metric("mae", FarePipeline.evaluate(predictions, "mae"));
    context.metric("r2", FarePipeline.evaluate(predictions, "r2"));
    context.metric("trainRows", trainRows);
    context.metric("testRows", testRows);
    context.metric("fitSeconds", fitSeconds);
    context.log().info("fitted {} on {} rows in {} s", params.getString("regressor"), trainRows, fitSeconds);
    context.outputModel("model", model);
    context.output("testPredictions", predictions);
    predictions.unpersist();
  }
}
