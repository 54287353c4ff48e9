package io.sparkstep.bench.workloads;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The CLI-run-cost workload: a group-by over {@code rows} generated rows, written as Parquet. The bare app
 * ({@link io.sparkstep.bench.BareGroupByApp}) runs {@link #compute} on a plain SparkSession, so both sides do the same
 * Spark work.
 */
public final class GroupByWriteStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("bench-groupby").description("benchmark: group-by of generated rows, Parquet out")
        .param(ParamDef.longParam("rows").defaultValue(10_000_000L).min(1).description("rows to group"))
        .output("out", "one row per group").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", compute(context.spark(), context.params().getLong("rows")));
  }

  public static Dataset<Row> compute(SparkSession spark, long rows) {
    return spark.range(rows).withColumn("key", col("id").mod(1000)).groupBy("key")
        .agg(count(lit(1)).alias("n"), sum(col("id")).alias("total"));
  }
}
