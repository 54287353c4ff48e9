package io.sparkstep.flavor.local;

import io.sparkstep.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import java.util.ArrayList;
import java.util.List;

/**
 * The default flavor: Spark embedded in this JVM ({@code local[*]}, or {@code local[N]} from resources.cpu), or,
 * with {@code isolation=process}, in a child JVM running the same entrypoint as every other environment (needed for
 * {@code --detach} and for jars such as RAPIDS that must be loaded by Spark's own class loader).
 */
public final class LocalFlavor implements Flavor {
  public static final String NAME = "local";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Embedded Spark in this JVM (local[*]); the default, no setup";
  }

  @Override
  public List<ConfigOption> options() {
    return List.of(
        ConfigOption.optional("isolation", "in-process", "in-process (embedded, fastest) or process (a child JVM)"),
        ConfigOption.optional("driverMemory", null, "heap of the child JVM with isolation=process, e.g. 4g"),
        ConfigOption.optional("conf.", null, "Spark conf for every run of this operator, e.g. conf.spark.sql.shuffle.partitions=8"));
  }

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    String isolation = config.get("isolation");
    if (!"in-process".equals(isolation) && !"process".equals(isolation)) {
      problems.add(ValidationProblem.of("isolation", "unknown isolation '" + isolation + "'", "use in-process or process"));
    }
    return problems;
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new LocalOperator(config);
  }
}
