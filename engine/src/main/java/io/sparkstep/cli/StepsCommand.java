package io.sparkstep.cli;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.spi.util.SparkstepHome;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sparkstep steps [NAME]}: the steps on the classpath, or one step's parameters, inputs and outputs. */
@Command(name = "steps", mixinStandardHelpOptions = true, description = "List steps, or describe one.")
final class StepsCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "STEP")
  String step;

  @picocli.CommandLine.Option(names = "--jars", paramLabel = "JAR[,JAR]", split = ",",
      description = "Jars with your steps, besides SPARKSTEP_CLASSPATH and $SPARKSTEP_HOME/plugins.")
  java.util.List<String> jars = java.util.List.of();

  @Override
  public Integer call() {
    StepCatalog catalog = new StepCatalog(UserJars.loader(UserJars.collect(jars, System.getenv(), null,
        SparkstepHome.resolve())));
    if (step == null) {
      for (Map.Entry<String, Step> entry : catalog.listed().entrySet()) {
        System.out.printf("%-20s %s%n", entry.getKey(), entry.getValue().describe().description());
      }
      return 0;
    }
    StepDescriptor d = catalog.resolve(step).describe();
    System.out.println(d.name() + ": " + d.description());
    System.out.println("params:");
    for (ParamDef p : d.params()) {
      System.out.println("  " + p + (p.description().isEmpty() ? "" : "  -- " + p.description()));
    }
    System.out.println("inputs:");
    d.inputs().forEach((k, v) -> System.out.println("  " + k + "  -- " + v));
    System.out.println("outputs:");
    d.outputs().forEach((k, v) -> System.out.println("  " + k + "  -- " + v));
    return 0;
  }
}
