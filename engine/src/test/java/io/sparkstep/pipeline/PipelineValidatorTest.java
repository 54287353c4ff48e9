package io.sparkstep.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.registry.FlavorRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad pipeline file of each kind: every problem at once, each at its path; nothing starts Spark. */
class PipelineValidatorTest {
  private static final String FIT = ModelShapedSteps.Fit.class.getName();
  private static final String APPLY = ModelShapedSteps.Apply.class.getName();

  @TempDir
  Path home;

  private List<ValidationProblem> problems(String yaml) {
    return new PipelineValidator(new StepSubmitter(home, new FlavorRegistry()), home)
        .problems(PipelineFile.read(yaml, "test.yaml"));
  }

  private static ValidationProblem at(List<ValidationProblem> problems, String field) {
    return problems.stream().filter(p -> p.field().equals(field)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + field + " in " + problems));
  }

  @Test
  void aGoodPipelineHasNoProblem() {
    assertEquals(List.of(), problems("""
        pipeline: fares
        steps:
          - id: trips
            step: generate-trips
            params: {rows: 100}
          - id: features
            step: trip-features
            inputs: {trips: {from: trips.trips}, zones: {from: trips.zones}}
        """));
  }

  @Test
  void aCycleIsNamedWithItsPath() {
    List<ValidationProblem> found = problems("""
        pipeline: loop
        steps:
          - {id: a, step: %1$s, inputs: {data: {from: b.summary}}}
          - {id: b, step: %1$s, inputs: {data: {from: a.summary}}}
        """.formatted(FIT));
    assertTrue(found.stream().anyMatch(p -> p.message().contains("cycle") && p.message().contains("a <- b <- a")
        || p.message().contains("b <- a <- b")), found.toString());
  }

  @Test
  void unknownStepIdsAndOutputsAreNamed() {
    List<ValidationProblem> found = problems("""
        pipeline: fares
        steps:
          - {id: trips, step: generate-trips}
          - id: features
            step: trip-features
            inputs: {trips: {from: nowhere.trips}, zones: {from: trips.zonez}}
        """);
    assertTrue(at(found, "steps[1].inputs.trips.from").message().contains("nowhere"));
    assertTrue(at(found, "steps[1].inputs.zones.from").message().contains("zonez"));
  }

  @Test
  void aModelFedToADatasetInputAndTheReverseAreRefused() {
    List<ValidationProblem> found = problems("""
        pipeline: ml
        steps:
          - {id: trips, step: generate-trips}
          - {id: fit, step: %s, inputs: {data: {from: trips.trips}}}
          - {id: apply, step: %s, inputs: {data: {from: fit.model}, model: {from: fit.summary}}}
        """.formatted(FIT, APPLY));
    assertTrue(at(found, "steps[2].inputs.data.from").message().contains("is a model"), found.toString());
    assertTrue(at(found, "steps[2].inputs.model.from").message().contains("is a dataset"), found.toString());
  }

  @Test
  void unknownOperatorsAndBadSpecsAreNamedPerStep() {
    List<ValidationProblem> found = problems("""
        pipeline: fares
        steps:
          - {id: trips, step: generate-trips, params: {rows: -5}, conf: {sql.x: "1"}}
          - id: features
            step: trip-features
            operator: gpu-cluster
            inputs: {trips: {from: trips.trips}, zones: {from: trips.zones}}
          - {id: other, step: no-such-step}
        """);
    assertTrue(at(found, "steps[1].operator").message().contains("gpu-cluster"), found.toString());
    at(found, "steps[0].params.rows");
    at(found, "steps[0].conf.sql.x");
    at(found, "steps[2].step");
    assertTrue(at(problems("""
        pipeline: fares
        artifactStore: ftp://host/store
        steps:
          - {id: trips, step: generate-trips}
        """), "artifactStore").message().contains("ftp"));
  }

  @Test
  void twoStepsWritingOneUriAreRefused() {
    Path shared = home.resolve("shared");
    List<ValidationProblem> found = problems("""
        pipeline: twice
        steps:
          - {id: a, step: generate-trips, outputs: {trips: "%1$s"}}
          - {id: b, step: generate-trips, outputs: {trips: "%1$s/"}}
        """.formatted(shared.toUri()));
    assertTrue(at(found, "steps[1].outputs.trips").message().contains("steps[0].outputs.trips"), found.toString());
  }

  @Test
  void idsAndFileFieldsAreChecked() {
    List<ValidationProblem> found = problems("""
        pipeline: fares
        steps:
          - {id: a, step: generate-trips}
          - {id: a, step: generate-trips}
          - {id: "b.c", step: generate-trips}
        """);
    at(found, "steps[1].id");
    at(found, "steps[2].id");
    InvalidSpecException unknown = assertThrows(InvalidSpecException.class, () -> PipelineFile.read("""
        pipeline: fares
        steps:
          - {id: a, step: generate-trips, paramz: {}}
        """, "test.yaml"));
    assertEquals("steps[0].paramz", unknown.problems().get(0).field());
  }

  @Test
  void theBuilderMakesTheSameObjectAsTheFile() {
    Pipeline built = Pipeline.builder("fares").step("trips", "generate-trips").param("rows", 100)
        .step("features", "trip-features").input("trips", "trips.trips").input("zones", "trips.zones").build();
    Pipeline read = PipelineFile.read("""
        {"pipeline": "fares", "steps": [
          {"id": "trips", "step": "generate-trips", "params": {"rows": 100}},
          {"id": "features", "step": "trip-features",
           "inputs": {"trips": {"from": "trips.trips"}, "zones": {"from": "trips.zones"}}}]}
        """, "test.json");
    assertEquals(PipelineFile.writeJson(read), PipelineFile.writeJson(built));
  }
}
