package io.sparkstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.StepResources;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.launch.EngineStepLauncher;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.ResourceRule;
import io.sparkstep.spi.ResourceTable;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The flavor contract's walk over every field of a step's resources ({@link ResourceField}) on one operator: each
 * field, set to a value other than its default, is either mapped (what the flavor builds for the spec changes with
 * it) or refused before anything starts with the very problem the flavor's {@link ResourceTable} declares. A field
 * added to {@link ResourceSpec} and {@link ResourceField} without a rule on every flavor fails here.
 */
public final class ResourceTableWalk {
  /** The run id the rendered requests carry: any valid one, the same for both sides of a comparison. */
  private static final String RUN_ID = "20260101-000000-a1b2c3";

  /** What a flavor builds for a spec on an operator (request, conf, plan), as text that differs with the mapping. */
  @FunctionalInterface
  public interface RequestRenderer {
    String render(StepSpec spec, OperatorConfig config) throws Exception;
  }

  /**
   * A value of one field ({@code with}) and the resources it is compared against ({@code without}): what the value
   * needs besides itself, such as the GPUs a GPU vendor is for.
   */
  public record Sample(StepResources without, StepResources with) {
    /**
     * A value every flavor that maps the field accepts, past the smallest machine of the instance tables (so a mapping
     * onto an instance type shows); a flavor overrides the ones of its own vocabulary.
     */
    public static Sample of(ResourceField field) {
      StepResources none = StepResources.builder().build();
      return switch (field) {
        case CPU -> new Sample(none, StepResources.builder().cpu(4).build());
        case MEMORY -> new Sample(none, StepResources.builder().memory("16g").build());
        case EXECUTORS -> new Sample(none, StepResources.builder().executors(2).build());
        case EXECUTOR_CPU -> new Sample(none, StepResources.builder().executorCpu(2).build());
        case EXECUTOR_MEMORY -> new Sample(none, StepResources.builder().executorMemory("1g").build());
        case MEMORY_OVERHEAD -> new Sample(none, StepResources.builder().memoryOverhead("512m").build());
        case DYNAMIC_ALLOCATION -> new Sample(none, StepResources.builder().dynamicAllocation(1, 3).build());
        case GPUS -> new Sample(none, StepResources.builder().gpus(1).build());
        case GPU_VENDOR -> new Sample(StepResources.builder().gpus(1).build(),
            StepResources.builder().gpus(1).gpuVendor("nvidia").build());
        case INSTANCE_TYPE -> new Sample(none, StepResources.builder().instanceType("m5.2xlarge").build());
        case DISK_GB -> new Sample(none, StepResources.builder().diskGb(150).build());
        case MAX_RUNTIME_SECONDS -> new Sample(none, StepResources.builder().maxRuntimeSeconds(3600).build());
      };
    }
  }

  private final String operator;
  private final Path home;
  private final Function<ResourceField, Sample> samples;
  private final RequestRenderer renderer;
  private final Function<String, String> outputUri;

  public ResourceTableWalk(String operator, Path home, Function<ResourceField, Sample> samples,
                           RequestRenderer renderer, Function<String, String> outputUri) {
    this.operator = operator;
    this.home = home;
    this.samples = samples;
    this.renderer = renderer;
    this.outputUri = outputUri;
  }

  /** Every field, one after the other; the first that is neither mapped nor refused as declared fails. */
  public void walk() throws Exception {
    FlavorRegistry registry = new FlavorRegistry();
    OperatorConfig config = new OperatorStore(home, registry).get(operator);
    ResourceTable table = registry.get(config.flavor()).create(config).resourceTable();
    assertEquals(List.of(), table.undeclaredFields(), "flavor " + config.flavor() + " declares a rule for every "
        + "field of the resource spec in its ResourceTable (StepOperator.resourceTable)");
    for (ResourceField field : ResourceField.values()) {
      check(field, table.rule(field), config);
    }
  }

  private void check(ResourceField field, ResourceRule rule, OperatorConfig config) throws Exception {
    Sample sample = samples.apply(field);
    ResourceSpec with = ResourceSpec.of(sample.with());
    assertTrue(field.isSet(with) && !field.isSet(ResourceSpec.of(sample.without())),
        "the sample of " + field.path() + " sets it, and only on one side");
    List<ValidationProblem> problems = refusals(sample.with());
    List<ValidationProblem> aboutField = problems.stream().filter(p -> p.field().equals(field.path())).toList();
    if (rule.refuses(with)) {
      assertEquals(List.of(rule.refusal()), aboutField, config.flavor() + " refuses " + field.path()
          + " with the problem its table declares");
      return;
    }
    assertEquals(List.of(), aboutField, config.flavor() + " declares " + field.path() + " " + rule.treatment()
        + " (" + rule.target() + "), so takes " + with.setFields());
    if (rule.treatment() == ResourceRule.Treatment.CHECKED) {
      return;
    }
    String without = render(sample.without(), config);
    String mapped = render(sample.with(), config);
    assertNotNull(mapped, "the flavor's contract test says what it builds for a spec (resourceRequest)");
    assertNotEquals(without, mapped, config.flavor() + " maps " + field.path() + " to " + rule.target()
        + ", so what it builds for " + with.setFields() + " differs from what it builds without it");
  }

  /**
   * What validation says of a spec with these resources, through the engine's one pass before launch. A parameter
   * the step does not have makes every call a refusal, so none is submitted.
   */
  private List<ValidationProblem> refusals(StepResources resources) {
    InvalidSpecException refused = assertThrows(InvalidSpecException.class, () -> spec(resources)
        .param("noSuchParam", 1).submit());
    assertTrue(refused.problems().stream().anyMatch(p -> p.field().contains("noSuchParam")),
        "refused for the parameter at least: " + refused.problems());
    return refused.problems();
  }

  private String render(StepResources resources, OperatorConfig config) throws Exception {
    StepSpec spec = EngineStepLauncher.spec(spec(resources).request());
    spec.runId = RUN_ID;
    return renderer.render(spec, config);
  }

  private Sparkstep spec(StepResources resources) {
    return Sparkstep.operator(operator, home).step("generate-trips").output("trips", outputUri.apply("walk/trips"))
        .output("zones", outputUri.apply("walk/zones")).resources(resources);
  }
}
