package io.sparkstep.bench.workloads;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev;
import static org.apache.spark.sql.functions.sum;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Aggregation-heavy workload: many aggregates over two group-by levels of the trips. */
public final class AggregationHeavyStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("bench-aggregate").description("benchmark: wide group-by aggregates over trips")
        .input("trips", "trips from generate-trips").output("out", "aggregates").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", compute(context.input("trips")));
  }

  /** The workload itself, also called against a bare SparkSession by the overhead benchmark. */
  public static Dataset<Row> compute(Dataset<Row> trips) {
    return trips.groupBy(col("pickup_zone"), col("payment_type"), col("passengers"))
        .agg(count(lit(1)).alias("n"), sum("fare").alias("fare_sum"), avg("fare").alias("fare_avg"),
            stddev("fare").alias("fare_sd"), min("distance_km").alias("dist_min"), max("distance_km").alias("dist_max"),
            avg("tip").alias("tip_avg"), approx_count_distinct("dropoff_zone").alias("dropoffs"))
        .groupBy("pickup_zone").agg(sum("n").alias("n"), avg("fare_avg").alias("fare_avg"), max("dropoffs").alias("dropoffs"));
  }

}
