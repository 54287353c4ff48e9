package io.sparkstep.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.samples.GenerateTripsStep;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.SubmitOptions;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The public launch API takes values and throws its own types: resources as a value, platform failure as one. */
class SparkstepLaunchApiTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;

  @Test
  void everyResourceGivenAsAValueLandsInTheSpec() {
    StepResources resources = StepResources.builder().cpu(4).memory("16g").gpus(2).gpuVendor("nvidia")
        .executors(3).executorCpu(8).executorMemory("32g").memoryOverhead("4g").dynamicAllocation(1, 6)
        .instanceType("ml.g5.12xlarge").diskGb(50).maxRuntimeSeconds(3600).build();

    ResourceSpec inSpec = spec(Sparkstep.operator("local", tmp).step(GenerateTripsStep.class).resources(resources))
        .resources;

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("cpu", 4);
    expected.put("memory", "16g");
    expected.put("gpus", 2);
    expected.put("executors", 3);
    expected.put("executorCpu", 8);
    expected.put("executorMemory", "32g");
    expected.put("memoryOverhead", "4g");
    expected.put("gpuVendor", "nvidia");
    expected.put("instanceType", "ml.g5.12xlarge");
    expected.put("diskGb", 50);
    expected.put("maxRuntimeSeconds", 3600L);
    Map<String, Object> set = new LinkedHashMap<>(inSpec.setFields());
    set.remove("dynamicAllocation");
    assertEquals(expected, set);
    assertTrue(inSpec.dynamicAllocation.enabled);
    assertEquals(1, inSpec.dynamicAllocation.minExecutors);
    assertEquals(6, inSpec.dynamicAllocation.maxExecutors);

    ResourceSpec off = spec(Sparkstep.operator("local", tmp)
        .resources(StepResources.builder().withoutDynamicAllocation().build())).resources;
    assertEquals(Map.of("spark.dynamicAllocation.enabled", "false"), off.dynamicAllocationConf(),
        "switched off is said, not left to the cluster's default");
  }

  @Test
  void theValueHasEveryFieldOfTheSpecsResources() {
    // A field added to the spec's resources and not to the value could not be set from the Java API.
    Set<String> specFields = Arrays.stream(ResourceSpec.class.getFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers())).map(f -> f.getName()).collect(Collectors.toSet());
    Set<String> valueFields = Arrays.stream(StepResources.class.getRecordComponents())
        .map(RecordComponent::getName).collect(Collectors.toSet());
    assertEquals(specFields, valueFields);
  }

  @Test
  void aBuiltValueNeverChangesAndTheLastOneGivenIsTheStepsResources() {
    StepResources.Builder builder = StepResources.builder().cpu(2);
    StepResources small = builder.build();
    Sparkstep launch = Sparkstep.operator("local", tmp).step(GenerateTripsStep.class).resources(small);

    StepResources large = builder.cpu(16).memory("64g").build();

    assertEquals(2, small.cpu());
    assertNull(small.memory(), "later use of the builder leaves an earlier value alone");
    assertEquals(16, large.cpu());
    assertEquals(2, spec(launch).resources.cpu, "nor the launch that holds it");
    assertNull(spec(launch).resources.memory);

    launch.resources(StepResources.builder().memory("8g").build());
    assertEquals(0, spec(launch).resources.cpu, "a value replaces the one before; it is not merged in");
    assertEquals("8g", spec(launch).resources.memory);
  }

  @Test
  void aPlatformThatRefusesTheRunIsASubmitExceptionWithItsRetryability() throws Exception {
    Path home = tmp.resolve("home");
    withRefusingFlavor(home, () -> {
      SubmitException refused = assertThrows(SubmitException.class, () -> Sparkstep.operator("refusing", home)
          .step(GenerateTripsStep.class)
          .output("trips", tmp.resolve("trips").toUri().toString())
          .output("zones", tmp.resolve("zones").toUri().toString())
          .submit());
      assertTrue(refused.retryable(), "the platform said another attempt may succeed");
      assertEquals(RefusingFlavor.FIRST_LINE, refused.getMessage(), "one line");
      PlatformException cause = assertInstanceOf(PlatformException.class, refused.getCause());
      assertEquals(RefusingFlavor.MESSAGE, cause.getMessage(), "the whole detail stays in the cause");
      return null;
    });
  }

  @Test
  void theCliReportsARefusedSubmissionAsAPlatformError() throws Exception {
    Path home = HOME.path();
    CliCall call = withRefusingFlavor(home, () -> CliCall.of("run", "--operator", "refusing",
        "--step", "generate-trips", "--output", "trips=" + tmp.resolve("trips").toUri(),
        "--output", "zones=" + tmp.resolve("zones").toUri()));
    assertEquals(ExitCode.PLATFORM_ERROR, call.code(), call.all());
    assertTrue(call.err().contains("sparkstep: platform error: " + RefusingFlavor.FIRST_LINE), call.err());
  }

  private static StepSpec spec(Sparkstep launch) {
    return EngineStepLauncher.spec(launch.request());
  }

  /**
   * Runs {@code body} where {@link RefusingFlavor} is on the class path, as a flavor jar would be (a service file on
   * the thread's class loader, which is where the launch API and the CLI find flavors), with an operator of it.
   */
  private <T> T withRefusingFlavor(Path home, Callable<T> body) throws Exception {
    Path services = Files.createDirectories(tmp.resolve("flavor/META-INF/services"));
    Files.writeString(services.resolve(Flavor.class.getName()), RefusingFlavor.class.getName() + "\n");
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.resolve("flavor").toUri().toURL()},
        getClass().getClassLoader())) {
      thread.setContextClassLoader(loader);
      new OperatorStore(home, new FlavorRegistry(loader)).register("refusing", RefusingFlavor.NAME, Map.of(), true);
      return body.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** A flavor whose platform is over its quota: every submission is refused, worth trying again later. */
  public static final class RefusingFlavor implements Flavor {
    static final String NAME = "refusing";
    static final String FIRST_LINE = "quota exceeded for the project (HTTP 429)";
    static final String MESSAGE = FIRST_LINE + "\nRetry-After: 30";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "refuses every run, as a throttled platform does";
    }

    @Override
    public List<ConfigOption> options() {
      return List.of();
    }

    @Override
    public StepOperator create(OperatorConfig config) {
      return new StepOperator() {
        @Override
        public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException {
          throw new PlatformException(MESSAGE, true);
        }

        @Override
        public StepRun attach(RunRecord record, RunContext context) {
          throw new UnsupportedOperationException("no run is ever started here");
        }
      };
    }
  }
}
