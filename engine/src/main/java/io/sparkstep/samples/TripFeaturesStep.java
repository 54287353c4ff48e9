package io.sparkstep.samples;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Turns trips into per-zone, per-day, per-hour features: joins the zone table, aggregates fares, tips and durations,
 * and adds window features (the zone's rolling 3-hour demand and its share of the borough's daily trips).
 */
public final class TripFeaturesStep implements Step {

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("trip-features")
        .description("Per zone/day/hour demand and fare features, with window aggregates")
        .param(ParamDef.doubleParam("minFare").defaultValue(0.0).min(0).description("drop trips below this fare"))
        .param(ParamDef.intParam("rollingHours").defaultValue(3).min(1).max(24).description("rolling demand window"))
        .input("trips", "output trips of generate-trips")
        .input("zones", "output zones of generate-trips")
        .output("features", "one row per pickup zone, date and hour")
        .build();
  }

  @Override
  public void run(StepContext context) {
    context.output("features", features(context.input("trips"), context.input("zones"),
        context.params().getDouble("minFare"), context.params().getInt("rollingHours")));
  }

  /** The feature computation, callable without the engine (the benchmarks compare both). */
  public static Dataset<Row> features(Dataset<Row> allTrips, Dataset<Row> zones, double minFare, int rolling) {
    Dataset<Row> trips = allTrips.filter(col("fare").geq(minFare));

    Dataset<Row> hourly = trips
        .withColumn("pickup_date", to_date(col("pickup_ts")))
        .withColumn("pickup_hour", hour(col("pickup_ts")))
        .groupBy(col("pickup_zone"), col("pickup_date"), col("pickup_hour"))
        .agg(count(lit(1)).alias("trips"),
            round(avg("fare"), 2).alias("avg_fare"),
            round(sum("fare"), 2).alias("total_fare"),
            round(avg(when(col("fare").gt(0), col("tip").divide(col("fare")))), 4).alias("avg_tip_rate"),
            round(avg("distance_km"), 2).alias("avg_distance_km"),
            percentile_approx(col("duration_min"), lit(0.5), lit(1000)).alias("median_duration_min"),
            max("passengers").alias("max_passengers"),
            round(avg(when(col("payment_type").equalTo("card"), 1.0).otherwise(0.0)), 3).alias("card_share"))
        .join(zones, col("pickup_zone").equalTo(col("zone_id")), "left")
        .drop("zone_id");

    WindowSpec byZoneDay = Window.partitionBy("pickup_zone", "pickup_date").orderBy("pickup_hour")
        .rangeBetween(-(rolling - 1), 0);
    WindowSpec byBoroughDay = Window.partitionBy("borough", "pickup_date");
    Column rollingTrips = sum("trips").over(byZoneDay);
    return hourly
        .withColumn("rolling_trips", rollingTrips)
        .withColumn("borough_day_share", round(col("trips").divide(sum("trips").over(byBoroughDay)), 5))
        .orderBy("pickup_zone", "pickup_date", "pickup_hour");
  }
}
