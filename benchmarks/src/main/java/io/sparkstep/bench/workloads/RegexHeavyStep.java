package io.sparkstep.bench.workloads;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.upper;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** String/regex-heavy workload: builds a text key per trip, then extracts, rewrites and filters it with regexes. */
public final class RegexHeavyStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("bench-regex").description("benchmark: string building, regex extract/replace/filter")
        .input("trips", "trips from generate-trips").output("out", "counts per extracted token").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", compute(context.input("trips")));
  }

  public static Dataset<Row> compute(Dataset<Row> trips) {
    Dataset<Row> keyed = trips.withColumn("key", concat_ws("|", upper(col("payment_type")),
        col("pickup_zone").cast("string"), col("dropoff_zone").cast("string"), col("fare").cast("string")));
    return keyed
        .withColumn("cents", regexp_extract(col("key"), "\\.(\\d{1,2})$", 1))
        .withColumn("route", regexp_replace(col("key"), "^([A-Z]+)\\|(\\d+)\\|(\\d+)\\|.*$", "$2-$3"))
        .filter(lower(col("key")).rlike("^(card|app)\\|"))
        .groupBy("cents").agg(count(lit(1)).alias("trips"));
  }
}
