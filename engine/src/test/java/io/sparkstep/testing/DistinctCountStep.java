package io.sparkstep.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A group-by with a distinct count over data that no Parquet scan produced ({@code spark.range}, or a CSV file named
 * by {@code csv}): the plan whose shuffle Comet runs on its JVM columnar shuffle. It computes the result itself, so it
 * can print the bytes its tasks spilled ({@value #SPILL_LINE}N) for the test to check that a spill happened.
 */
public class DistinctCountStep implements Step {
  public static final String SPILL_LINE = "distinct-count spilled bytes: ";

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-distinct-count")
        .param(ParamDef.longParam("rows").defaultValue(100_000L).min(1).description("rows of spark.range"))
        .param(ParamDef.stringParam("csv").defaultValue("").description("read key,val from this CSV instead"))
        .output("counts", "key, distinct_vals, rows").build();
  }

  @Override
  public void run(StepContext context) {
    SparkSession spark = context.spark();
    String csv = context.params().getString("csv");
    Dataset<Row> data = csv.isEmpty()
        ? spark.range(context.params().getLong("rows")).select(col("id").mod(97).as("key"), col("id").mod(1009).as("val"))
        : spark.read().option("header", "true").schema("key LONG, val LONG").csv(csv);
    AtomicLong spilled = new AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          spilled.addAndGet(end.taskMetrics().memoryBytesSpilled() + end.taskMetrics().diskBytesSpilled());
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    Dataset<Row> counts = data.groupBy("key").agg(countDistinct("val").as("distinct_vals"), count("*").as("rows"));
    List<Row> rows = counts.collectAsList();
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("task metrics did not arrive", e);
    }
    spark.sparkContext().removeSparkListener(listener);
    System.out.println(SPILL_LINE + spilled.get());
    context.output("counts", spark.createDataFrame(rows, counts.schema()));
  }
}
