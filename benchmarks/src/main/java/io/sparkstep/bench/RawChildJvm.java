package io.sparkstep.bench;

import io.sparkstep.spi.util.JavaCommand;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** The raw baseline of a child-JVM launch: a JVM that starts Spark, writes one row and exits, with no Sparkstep. */
public final class RawChildJvm {
  private RawChildJvm() {
  }

  public static void main(String[] args) {
    // Under spark-submit the master comes from it; run directly, it is local.
    SparkSession.Builder builder = SparkSession.builder().appName("raw-noop");
    if (!new SparkConf().contains("spark.master")) {
      builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    spark.range(1).toDF().write().mode(SaveMode.Overwrite).parquet(args[0]);
    spark.stop();
  }

  static void runNoop(String target) throws Exception {
    List<String> command = JavaCommand.forMainClass(RawChildJvm.class.getName(), List.of());
    command.add(target);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("raw child JVM failed with exit " + process.exitValue());
    }
  }
}
