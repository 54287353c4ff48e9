package io.sparkstep.samples.ml;

import java.util.List;
import org.apache.spark.sql.Row;

/** RMSE, MAE and R² computed here from (actual, predicted) pairs, to check what a run recorded. */
record FareMetrics(double rmse, double mae, double r2, long rows) {

  static FareMetrics of(List<Row> actualAndPredicted) {
    int n = actualAndPredicted.size();
    double mean = 0;
    for (Row row : actualAndPredicted) {
      mean += row.getDouble(0) / n;
    }
    double squared = 0;
    double absolute = 0;
    double total = 0;
    for (Row row : actualAndPredicted) {
      double error = row.getDouble(0) - row.getDouble(1);
      squared += error * error;
      absolute += Math.abs(error);
      total += (row.getDouble(0) - mean) * (row.getDouble(0) - mean);
    }
    return new FareMetrics(Math.sqrt(squared / n), absolute / n, 1 - squared / total, n);
  }
}
