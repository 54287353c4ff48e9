package io.sparkstep.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.sparkstep.api.Step;
import io.sparkstep.bench.BenchCommand;
import io.sparkstep.cli.SparkstepCli;
import io.sparkstep.flavor.azureml.AzureMlFlavor;
import io.sparkstep.flavor.kubernetes.KubernetesFlavor;
import io.sparkstep.flavor.sagemaker.SageMakerFlavor;
import io.sparkstep.flavor.sparksubmit.SparkSubmitFlavor;
import io.sparkstep.flavor.vertex.VertexFlavor;
import io.sparkstep.samples.ml.TrainFareModelStep;
import io.sparkstep.spi.Flavor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The module rules of the design notes, checked on the classes the build produced. */
class ArchitectureTest {

  static Stream<Arguments> modules() {
    return Stream.of(
        Arguments.of("api", Step.class),
        Arguments.of("spi", Flavor.class),
        Arguments.of("engine", SparkstepCli.class),
        Arguments.of("spark-submit", SparkSubmitFlavor.class),
        Arguments.of("kubernetes", KubernetesFlavor.class),
        Arguments.of("sagemaker", SageMakerFlavor.class),
        Arguments.of("vertex", VertexFlavor.class),
        Arguments.of("azureml", AzureMlFlavor.class),
        Arguments.of("samples-ml", TrainFareModelStep.class),
        Arguments.of("benchmarks", BenchCommand.class));
  }

  static Stream<Arguments> flavors() {
    return modules().filter(m -> ((Class<?>) m.get()[1]).getPackageName().startsWith("io.sparkstep.flavor."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void noPackageCycleInsideTheModule(String module, Class<?> anchor) {
    JavaClasses classes = ModuleClasses.of(anchor);
    assertFalse(classes.isEmpty(), "no classes found for " + module);
    ArchitectureRules.noPackageCycles().check(classes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flavors")
  void flavorImportsOnlyApiSpiAndItself(String module, Class<?> anchor) {
    ArchitectureRules.flavorSeesApiAndSpiOnly(anchor.getPackageName()).check(ModuleClasses.of(anchor));
  }

  @Test
  void apiImportsNothingOfOurs() {
    ArchitectureRules.apiStandsAlone().check(ModuleClasses.of(Step.class));
  }

  @Test
  void spiImportsOnlyTheApi() {
    ArchitectureRules.spiSeesApiOnly().check(ModuleClasses.of(Flavor.class));
  }
}
