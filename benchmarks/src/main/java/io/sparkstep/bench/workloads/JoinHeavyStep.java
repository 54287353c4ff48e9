package io.sparkstep.bench.workloads;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Join-heavy workload: trips joined to zones twice (pickup and dropoff) and to per-zone statistics (a shuffle join). */
public final class JoinHeavyStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("bench-join").description("benchmark: zone joins and a trips-to-stats shuffle join")
        .input("trips", "trips from generate-trips").input("zones", "zones from generate-trips")
        .output("out", "joined aggregates").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", compute(context.input("trips"), context.input("zones")));
  }

  public static Dataset<Row> compute(Dataset<Row> trips, Dataset<Row> zones) {
    Dataset<Row> pickup = zones.select(col("zone_id").alias("p_zone"), col("borough").alias("p_borough"));
    Dataset<Row> dropoff = zones.select(col("zone_id").alias("d_zone"), col("borough").alias("d_borough"));
    Dataset<Row> stats = trips.groupBy(col("pickup_zone").alias("s_zone")).agg(avg("fare").alias("zone_avg_fare"));
    return trips.join(pickup, col("pickup_zone").equalTo(col("p_zone")))
        .join(dropoff, col("dropoff_zone").equalTo(col("d_zone")))
        .join(stats, col("pickup_zone").equalTo(col("s_zone")))
        .withColumn("above_zone_avg", col("fare").gt(col("zone_avg_fare")))
        .groupBy("p_borough", "d_borough", "above_zone_avg")
        .agg(count(lit(1)).alias("trips"), avg("fare").alias("avg_fare"));
  }
}
