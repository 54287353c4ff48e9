package io.sparkstep.bench;

import io.sparkstep.bench.workloads.GroupByWriteStep;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** The bare side of the CLI-run-cost pair: {@code main(rows, target)} starts a local SparkSession, groups, writes. */
public final class BareGroupByApp {
  private BareGroupByApp() {
  }

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("bare-groupby").master("local[*]").getOrCreate();
    GroupByWriteStep.compute(spark, Long.parseLong(args[0])).write().mode(SaveMode.Overwrite).parquet(args[1]);
    spark.stop();
  }
}
