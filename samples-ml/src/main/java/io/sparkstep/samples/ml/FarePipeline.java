package io.sparkstep.samples.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The fare model of the ML samples: predicts a zone-hour's average fare ({@code avg_fare} of trip-features) from its
 * demand, distances, durations, payment mix and borough. {@code total_fare} is left out: with {@code trips} it gives
 * the label away.
 */
public final class FarePipeline {
  public static final String LABEL = "avg_fare";
  public static final String PREDICTION = "prediction";
  public static final String DATE = "pickup_date";
  static final String[] NUMERIC_FEATURES = {"pickup_hour", "trips", "avg_distance_km", "median_duration_min",
      "card_share", "max_passengers", "rolling_trips", "borough_day_share"};

  private FarePipeline() {
  }

  /** Feature assembly (borough one-hot plus the numeric columns) followed by the chosen regressor. */
  public static Pipeline pipeline(String regressor, int maxIter, int maxDepth, long seed) {
    StringIndexer borough = new StringIndexer().setInputCol("borough").setOutputCol("borough_index")
        .setHandleInvalid("keep");
    OneHotEncoder boroughVector = new OneHotEncoder().setInputCol("borough_index").setOutputCol("borough_vector");
    String[] inputs = new String[NUMERIC_FEATURES.length + 1];
    System.arraycopy(NUMERIC_FEATURES, 0, inputs, 0, NUMERIC_FEATURES.length);
    inputs[NUMERIC_FEATURES.length] = "borough_vector";
    VectorAssembler assembler = new VectorAssembler().setInputCols(inputs).setOutputCol("features");
    PipelineStage model = switch (regressor) {
      case "gbt" -> new GBTRegressor().setLabelCol(LABEL).setFeaturesCol("features").setPredictionCol(PREDICTION)
          .setMaxIter(maxIter).setMaxDepth(maxDepth).setSeed(seed);
      // the normal-equation solver fits in one pass over the data instead of an iteration per Spark job
      case "linear" -> new LinearRegression().setLabelCol(LABEL).setFeaturesCol("features")
          .setPredictionCol(PREDICTION).setMaxIter(maxIter).setRegParam(0.01).setSolver("normal");
      default -> throw new IllegalArgumentException("unknown regressor " + regressor);
    };
    return new Pipeline().setStages(new PipelineStage[] {borough, boroughVector, assembler, model});
  }

  /** Rows before {@code testFrom} (yyyy-MM-dd) train, the rest test: a split by time, as the model is used. */
  public static Column isTest(String testFrom) {
    return col(DATE).geq(to_date(lit(testFrom)));
  }

  static double evaluate(Dataset<Row> predictions, String metric) {
    return new RegressionEvaluator().setLabelCol(LABEL).setPredictionCol(PREDICTION).setMetricName(metric)
        .evaluate(predictions);
  }
}
