package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import java.util.List;

/** Steps as Spark applications on any Spark master (standalone, YARN, local), submitted with Spark's launcher. */
public final class SparkSubmitFlavor implements Flavor {
  public static final String NAME = "spark-submit";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "any Spark master (spark://, yarn, local[N]) through spark-submit, client or cluster deploy mode";
  }

  @Override
  public List<ConfigOption> options() {
    return SparkSubmitSettings.OPTIONS;
  }

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    return SparkSubmitSettings.validate(config);
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new SparkSubmitOperator(new SparkSubmitSettings(config));
  }
}
