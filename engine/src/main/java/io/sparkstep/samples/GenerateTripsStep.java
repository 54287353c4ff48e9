package io.sparkstep.samples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Generates taxi-like trips: pickup time over a month with rush hours, pickup and dropoff zones skewed towards a few
 * busy ones, distance, duration, fare, tip and payment type. Deterministic for a given seed and row count, so
 * benchmarks and tests compare like with like.
 */
public final class GenerateTripsStep implements Step {

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("generate-trips")
        .description("Synthetic taxi trips (timestamps, zones, distances, fares), deterministic per seed")
        .param(ParamDef.longParam("rows").defaultValue(100_000L).min(1).description("number of trips"))
        .param(ParamDef.longParam("seed").defaultValue(42L).description("random seed"))
        .param(ParamDef.intParam("zones").defaultValue(265).min(2).max(100_000).description("number of taxi zones"))
        .param(ParamDef.intParam("partitions").defaultValue(0).min(0).description("0: Spark's default parallelism"))
        .output("trips", "one row per trip")
        .output("zones", "zone id, borough and name")
        .build();
  }

  @Override
  public void run(StepContext context) {
    long rows = context.params().getLong("rows");
    long seed = context.params().getLong("seed");
    int zones = context.params().getInt("zones");
    int partitions = context.params().getInt("partitions");
    var spark = context.spark();
    int slices = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    long monthStart = 1_704_067_200L; // 2024-01-01T00:00:00Z

    Dataset<Row> base = spark.range(0, rows, 1, slices).withColumnRenamed("id", "trip_id");
    // Rush hours: a quarter of trips cluster around 8:00 and 18:00.
    Dataset<Row> trips = base
        .withColumn("day", floor(rand(seed).multiply(31)))
        .withColumn("rush", rand(seed + 1).lt(0.25))
        .withColumn("hour_f", when(col("rush"), when(rand(seed + 2).lt(0.5), lit(8.0)).otherwise(lit(18.0))
            .plus(randn(seed + 3).multiply(1.2))).otherwise(rand(seed + 4).multiply(24)))
        .withColumn("pickup_ts", expr("timestamp_seconds(" + monthStart + " + day * 86400 + "
            + "cast(pmod(hour_f, 24.0) * 3600 as bigint))"))
        // Skewed zones: squaring a uniform number favours low zone ids, like Manhattan in real taxi data.
        .withColumn("pickup_zone", floor(rand(seed + 5).multiply(rand(seed + 5)).multiply(zones)).cast("int").plus(1))
        .withColumn("dropoff_zone", pmod(col("pickup_zone").plus(floor(randn(seed + 6).multiply(20)).cast("int")), lit(zones)).plus(1))
        .withColumn("distance_km", round(greatest(lit(0.3), exp(randn(seed + 7).multiply(0.7).plus(1.0))), 2))
        .withColumn("duration_min", round(col("distance_km").multiply(2.5).plus(rand(seed + 8).multiply(10))
            .multiply(when(col("rush"), lit(1.6)).otherwise(lit(1.0))), 1))
        .withColumn("fare", round(lit(3.0).plus(col("distance_km").multiply(1.75)).plus(col("duration_min").multiply(0.35)), 2))
        .withColumn("payment_type", when(rand(seed + 9).lt(0.7), lit("card")).when(rand(seed + 10).lt(0.9), lit("cash"))
            .otherwise(lit("app")))
        .withColumn("tip", when(col("payment_type").equalTo("cash"), lit(0.0))
            .otherwise(round(col("fare").multiply(rand(seed + 11).multiply(0.25)), 2)))
        .withColumn("passengers", floor(rand(seed + 12).multiply(rand(seed + 12)).multiply(4)).cast("int").plus(1))
        .drop("day", "rush", "hour_f");

    Dataset<Row> zoneTable = spark.range(1, zones + 1).withColumnRenamed("id", "zone_id")
        .withColumn("zone_id", col("zone_id").cast("int"))
        .withColumn("borough", expr("element_at(array('Manhattan','Brooklyn','Queens','Bronx','Staten Island','EWR'), "
            + "cast(least(6, 1 + floor(pow(zone_id / " + zones + ".0, 0.6) * 6)) as int))"))
        .withColumn("zone_name", expr("concat('Zone ', zone_id)"));

    context.log().info("generating {} trips over {} zones with seed {}", rows, zones, seed);
    context.output("trips", trips);
    context.output("zones", zoneTable);
  }
}
