package io.sparkstep.bench;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One TPC-H query over the eight tables, run {@code iterations} times in this Spark application: the first runs are
 * the warm-up (JIT, Parquet footers, Comet's native library), the rest are timed repetitions, all in the same JVM, as
 * the accelerators' own TPC-H harnesses do. Each iteration collects the full answer to the driver (TPC-H answers are
 * small: at most ~18k rows at SF=1), so every iteration does the same work. Outputs: the answer and one row of
 * timing per iteration.
 */
public final class TpchQueryStep implements Step {
  static final StructType TIMINGS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("query", DataTypes.IntegerType, false),
      DataTypes.createStructField("iteration", DataTypes.IntegerType, false),
      DataTypes.createStructField("millis", DataTypes.LongType, false),
      DataTypes.createStructField("rows", DataTypes.LongType, false)));

  @Override
  public StepDescriptor describe() {
    StepDescriptor.Builder builder = StepDescriptor.builder("tpch-query")
        .description("one TPC-H query (1..22) over tables from generate-tpch, timed per iteration")
        .param(ParamDef.intParam("query").required().min(1).max(TpchQueries.count()).description("query number"))
        .param(ParamDef.doubleParam("scale").defaultValue(1.0).min(0.001)
            .description("the tables' scale factor (Q11's FRACTION is 0.0001/SF)"))
        .param(ParamDef.intParam("iterations").defaultValue(1).min(1).max(100)
            .description("times the query runs (warm-up included)"));
    for (String table : TpchQueries.TABLES) {
      builder.input(table, "TPC-H " + table + " table");
    }
    return builder.output("answer", "the query's answer").output("timings", "query, iteration, millis, rows").build();
  }

  @Override
  public void run(StepContext context) {
    int query = context.params().getInt("query");
    int iterations = context.params().getInt("iterations");
    var spark = context.spark();
    for (String table : TpchQueries.TABLES) {
      context.input(table).createOrReplaceTempView(table);
    }
    String sql = TpchQueries.sql(query, context.params().getDouble("scale"));
    List<Row> timings = new ArrayList<>();
    List<Row> answer = List.of();
    StructType schema = null;
    for (int i = 0; i < iterations && !context.cancelRequested(); i++) {
      long start = System.nanoTime();
      Dataset<Row> result = spark.sql(sql);
      answer = result.collectAsList();
      long millis = (System.nanoTime() - start) / 1_000_000;
      schema = result.schema();
      timings.add(RowFactory.create(query, i, millis, (long) answer.size()));
      context.log().info("tpch q" + query + " iteration " + i + ": " + millis + " ms, " + answer.size() + " rows");
    }
    context.output("answer", spark.createDataFrame(answer, schema));
    context.output("timings", spark.createDataFrame(timings, TIMINGS));
  }
}
