package io.sparkstep.api.launch;

import static io.sparkstep.api.launch.PipelineRequest.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.StepResources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline builder as the api alone has it: a value per step, inputs at a URI or from a step; no engine. */
class PipelineRequestTest {

  @Test
  void eachStepCollectsItsOwnFieldsAndInputsFromOtherSteps() {
    PipelineRequest request = PipelineRequest.builder("fares").operator("local").home(Path.of("/tmp/home"))
        .artifactStore("s3a://b/store").parallelism(3)
        .step("trips", "generate-trips").param("rows", 100).conf("spark.sql.shuffle.partitions", "4")
        .step("train", "train-fare-model").operator("gpu").input("features", from("trips.trips"))
        .input("zones", "file:/data/zones", "csv").output("model", "s3a://b/model").overwrite()
        .resources(StepResources.builder().gpus(1).build()).retry(2, 100).accelerator("rapids")
        .build();

    assertEquals("fares", request.name());
    assertEquals("local", request.operator(), "operator() before any step is the pipeline's");
    assertEquals(Path.of("/tmp/home"), request.home());
    assertEquals(3, request.parallelism());
    assertEquals(List.of("trips", "train"), request.steps().stream().map(PipelineRequest.StepEntry::id).toList());

    PipelineRequest.StepEntry trips = request.steps().get(0);
    assertEquals("generate-trips", trips.launch().step());
    assertNull(trips.launch().operator(), "a step without its own operator takes the pipeline's");
    assertEquals(Map.of("rows", 100), trips.launch().params());
    assertEquals(Map.of("spark.sql.shuffle.partitions", "4"), trips.launch().conf());
    assertTrue(trips.inputsFrom().isEmpty(), "the next step's inputs are its own");

    PipelineRequest.StepEntry train = request.steps().get(1);
    assertEquals("gpu", train.launch().operator(), "operator() after step() is that step's");
    assertEquals(Map.of("features", "trips.trips"), train.inputsFrom());
    assertEquals(Map.of("zones", new LaunchRequest.Artifact("file:/data/zones", "csv", false)),
        train.launch().inputs(), "an input at a URI is a launch input");
    assertTrue(train.launch().outputs().get("model").overwrite());
    assertEquals(1, train.launch().resources().gpus());
    assertEquals(new LaunchRequest.Retry(2, 100), train.launch().retry());
    assertTrue(train.launch().params().isEmpty(), "params stay with their step");
  }

  @Test
  void theRequestIsAValueThatLaterCallsLeaveAlone() {
    PipelineRequest.Builder builder = PipelineRequest.builder("p").step("a", "generate-trips").param("rows", 1);
    PipelineRequest first = builder.build();

    builder.param("rows", 2).input("x", from("b.y")).step("b", "trip-features");

    assertEquals(1, first.steps().size());
    assertEquals(1, first.steps().get(0).launch().params().get("rows"));
    assertTrue(first.steps().get(0).inputsFrom().isEmpty());
    assertThrows(UnsupportedOperationException.class, () -> first.steps().get(0).inputsFrom().put("k", "v"));
    assertEquals(2, builder.build().steps().size());
  }

  @Test
  void aStepSettingBeforeAnyStepIsRefusedAtOnce() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> PipelineRequest.builder("p").param("rows", 1));
    assertTrue(refused.getMessage().contains("step(id, step)"), refused.getMessage());
  }

  @Test
  void withoutAnEngineOnTheClassPathSubmitSaysWhatIsMissing() {
    PipelineLaunch launch = Sparkstep.pipeline(PipelineRequest.builder("p").step("a", "generate-trips"));
    assertEquals("p", launch.request().name());
    IllegalStateException missing = assertThrows(IllegalStateException.class, launch::submit);
    assertTrue(missing.getMessage().startsWith("no Sparkstep engine on the class path"), missing.getMessage());
  }
}
