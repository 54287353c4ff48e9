package io.sparkstep.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.WriteMode;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Validation reports every problem at once, each with its field path and a hint. */
class SpecValidatorTest {

  @Test
  void reportsEveryProblemWithFieldPaths() {
    StepSpec spec = StepSpecJson.read("""
        {"specVersion": 1, "step": "generate-trips",
         "params": {"rows": -5, "colour": "red"},
         "outputs": {"trips": {"uri": "ftp://host/x"}, "extra": "file:/tmp/x"},
         "resources": {"memory": "lots", "cpu": -1},
         "accelerator": "warp", "sparkConf": {"sql.shuffle.partitions": "4"}}
        """);
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> new SpecValidator().validateOrThrow(spec, false));
    List<String> fields = e.problems().stream().map(ValidationProblem::field).collect(Collectors.toList());
    assertTrue(fields.containsAll(List.of("params.rows", "params.colour", "outputs.extra", "outputs.zones",
        "outputs.trips.uri", "resources.memory", "resources.cpu", "accelerator", "sparkConf.sql.shuffle.partitions")),
        fields.toString());
    e.problems().forEach(p -> assertTrue(p.hint() != null && !p.hint().isBlank(), "hint for " + p));
  }

  @Test
  void unknownFieldAndWrongTypeNameTheField() {
    InvalidSpecException unknown = assertThrows(InvalidSpecException.class,
        () -> StepSpecJson.read("{\"specVersion\":1,\"step\":\"x\",\"parms\":{}}"));
    assertEquals("parms", unknown.problems().get(0).field());
    InvalidSpecException wrongType = assertThrows(InvalidSpecException.class,
        () -> StepSpecJson.read("{\"specVersion\":1,\"step\":\"x\",\"resources\":{\"cpu\":\"four\"}}"));
    assertEquals("resources.cpu", wrongType.problems().get(0).field());
  }

  /** A spec the entrypoint would not read (over 1 Mi characters) is refused when it is validated for submission. */
  @Test
  void aSpecOverTheReadersLimitIsRefusedBeforeItIsSent() {
    StepSpec spec = new StepSpec();
    spec.step = "generate-trips";
    for (int i = 0; i < 40; i++) {
      spec.labels.put("padding" + i, "x".repeat(32 * 1024));
    }
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> new SpecValidator()
        .validateOrThrow(spec, false));
    assertEquals(List.of("spec"), e.problems().stream().map(ValidationProblem::field).toList(), e.getMessage());
    assertTrue(e.problems().get(0).message().contains("more than the limit of " + StepSpecJson.MAX_SPEC_CHARS),
        e.getMessage());
    spec.labels.keySet().removeIf(key -> Integer.parseInt(key.substring("padding".length())) >= 30);
    List<ValidationProblem> problems = new java.util.ArrayList<>();
    new SpecValidator().validate(spec, false, problems);
    assertTrue(problems.stream().noneMatch(p -> p.field().equals("spec")), "960 Ki characters are read: " + problems);
  }

  @Test
  void specRoundTripsThroughJson() {
    StepSpec spec = new StepSpec();
    spec.step = "generate-trips";
    spec.params.put("rows", 10);
    spec.outputs.put("trips", new ArtifactSpec("s3a://bucket/trips", "orc", "overwrite"));
    spec.resources.gpus = 2;
    spec.resources.executorMemory = "8g";
    StepSpec back = StepSpecJson.read(StepSpecJson.write(spec));
    assertEquals("s3a://bucket/trips", back.outputs.get("trips").uri);
    assertEquals(Format.ORC, back.outputs.get("trips").formatOrDefault());
    assertEquals(WriteMode.OVERWRITE, back.outputs.get("trips").modeOrDefault());
    assertEquals(2, back.resources.gpus);
    assertEquals("8g", back.resources.executorMemory);
  }
}
