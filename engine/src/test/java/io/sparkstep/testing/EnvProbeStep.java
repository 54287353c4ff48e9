package io.sparkstep.testing;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reports what the driver and the executors see of one environment variable, as hashes (metrics are numbers, and
 * the value may be a secret): {@code driverHash}, {@code executorHash} (-1 when executors disagree or lack it).
 */
public class EnvProbeStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-env-probe")
        .param(ParamDef.stringParam("variable").description("the environment variable to look at"))
        .build();
  }

  @Override
  public void run(StepContext context) {
    String variable = context.params().getString("variable");
    String onDriver = System.getenv(variable);
    context.metric("driverHash", onDriver == null ? -1 : onDriver.hashCode());
    // reflect() is nondeterministic, so Spark evaluates it in the tasks, on the executors
    List<Row> seen = context.spark().range(0, 4, 1, 4)
        .selectExpr("reflect('java.lang.System', 'getenv', '" + variable + "') AS v").distinct().collectAsList();
    String onExecutors = seen.size() == 1 ? seen.get(0).getString(0) : null;
    context.metric("executorHash", onExecutors == null ? -1 : onExecutors.hashCode());
  }
}
