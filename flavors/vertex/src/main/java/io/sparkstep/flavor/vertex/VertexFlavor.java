package io.sparkstep.flavor.vertex;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import java.util.ArrayList;
import java.util.List;

/** Runs a step as a Vertex AI CustomJob: one container from the step image running the Sparkstep entrypoint. */
public final class VertexFlavor implements Flavor {
  public static final String NAME = "vertex";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Vertex AI CustomJob running the step image (google-cloud-aiplatform JobService)";
  }

  @Override
  public List<ConfigOption> options() {
    return VertexSettings.OPTIONS;
  }

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    VertexSettings.check(config, problems);
    return problems;
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new VertexOperator(config);
  }
}
