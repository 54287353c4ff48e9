package io.sparkstep.flavor.local;

import io.sparkstep.spi.spec.ValidationProblem;
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

  static final ConfigOption ISOLATION = ConfigOption.optional("isolation", "in-process",
      "in-process (embedded, fastest) or process (a child JVM)").oneOf("isolation", "in-process", "process");
  static final ConfigOption DRIVER_MEMORY = ConfigOption.ofMemory("driverMemory", null,
      "heap of the child JVM with isolation=process, e.g. 4g");

  @Override
  public List<ConfigOption> options() {
    return List.of(ISOLATION, DRIVER_MEMORY,
        ConfigOption.optional("conf.", null, "Spark conf for every run of this operator, e.g. conf.spark.sql.shuffle.partitions=8"));
  }

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    config.raw().keySet().stream().filter(k -> k.startsWith("conf.") && !k.startsWith("conf.spark."))
        .forEach(k -> problems.add(ValidationProblem.of(k, "is not a Spark conf key",
            "Spark conf keys start with spark., e.g. conf.spark.sql.shuffle.partitions=8")));
    return problems;
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new LocalOperator(config);
  }
}
