package io.sparkstep.api.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.StepResources;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher as the api alone has it: this module's class path holds no engine. */
class SparkstepTest {

  @Test
  void withoutAnEngineOnTheClassPathSubmitSaysWhatIsMissing() {
    Sparkstep launch = Sparkstep.operator("local").step("generate-trips");
    IllegalStateException missing = assertThrows(IllegalStateException.class, launch::submit);
    assertTrue(missing.getMessage().startsWith("no Sparkstep engine on the class path"), missing.getMessage());
    assertTrue(missing.getMessage().contains("io.sparkstep:sparkstep-engine"), missing.getMessage());
  }

  @Test
  void theRequestIsAValueThatLaterCallsLeaveAlone() {
    Sparkstep launch = Sparkstep.operator("gpu", Path.of("/tmp/home")).step("train").param("rows", 10)
        .input("trips", "s3a://b/trips", "csv").output("model", "s3a://b/model").overwrite()
        .output("report", "s3a://b/report").resources(StepResources.builder().gpus(1).build())
        .accelerator("rapids").retry(3, 500).runId("r1").detached().label("team", "ml").jars("a.jar");
    LaunchRequest request = launch.request();

    launch.param("rows", 20).conf("spark.k", "v").explain();

    assertEquals("gpu", request.operator());
    assertEquals(Path.of("/tmp/home"), request.home());
    assertEquals(10, request.params().get("rows"));
    assertTrue(request.conf().isEmpty());
    assertFalse(request.explain());
    assertTrue(request.detached());
    assertEquals(new LaunchRequest.Artifact("s3a://b/trips", "csv", false), request.inputs().get("trips"));
    assertTrue(request.outputs().get("model").overwrite(), "overwrite() covers the outputs named before it");
    assertFalse(request.outputs().get("report").overwrite(), "and not those named after it");
    assertEquals(List.of("model", "report"), List.copyOf(request.outputs().keySet()));
    assertEquals(new LaunchRequest.Retry(3, 500), request.retry());
    assertEquals(1, request.resources().gpus());
    assertEquals(List.of("a.jar"), request.jars());
    assertThrows(UnsupportedOperationException.class, () -> request.labels().put("x", "y"));
  }

  @Test
  void unsetValuesStayUnsetForTheEngineToDefault() {
    LaunchRequest request = Sparkstep.operator("local").step("x").request();
    assertNull(request.home(), "the engine's default home");
    assertNull(request.resources());
    assertNull(request.accelerator());
    assertNull(request.retry());
    assertNull(request.runId());
  }
}
