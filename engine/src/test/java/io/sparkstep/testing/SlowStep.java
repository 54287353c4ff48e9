package io.sparkstep.testing;

import static org.apache.spark.sql.functions.col;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/**
 * Runs Spark jobs whose tasks sleep, for about {@code seconds}, then writes its output: long enough to cancel or
 * kill something while it runs, cheap on CPU.
 */
public class SlowStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-slow")
        .param(ParamDef.intParam("seconds").defaultValue(30).min(1))
        .param(ParamDef.intParam("partitions").defaultValue(2).min(1))
        .output("out", "rows 0..999")
        .build();
  }

  @Override
  public void run(StepContext context) {
    int seconds = context.params().getInt("seconds");
    int partitions = context.params().getInt("partitions");
    long perTaskMillis = seconds * 1000L;
    var data = context.spark().range(0, 1000, 1, partitions).toDF()
        .map((org.apache.spark.api.java.function.MapFunction<org.apache.spark.sql.Row, Long>) row -> {
          long id = row.getLong(0);
          if (id % (1000 / partitions) == 0) {
            Thread.sleep(perTaskMillis);
          }
          return id;
        }, org.apache.spark.sql.Encoders.LONG()).toDF("id").withColumn("twice", col("id").multiply(2));
    context.log().info("slow step: tasks sleep {} ms", perTaskMillis);
    context.output("out", data);
  }
}
