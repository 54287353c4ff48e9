package io.sparkstep.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.testing.CliCall;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad pipeline file on the CLI: one line per problem with its path, exit 2, no run stored; no Spark starts. */
class PipelineCliInputTest {
  @TempDir
  Path home;

  @AfterEach
  void clearHome() {
    System.clearProperty("sparkstep.home");
  }

  @Test
  void everyProblemOfTheFileIsAListedLineAndNothingIsStored() throws Exception {
    System.setProperty("sparkstep.home", home.toString());
    Path file = home.resolve("bad.yaml");
    Files.writeString(file, """
        pipeline: fares
        steps:
          - {id: trips, step: generate-trips}
          - id: features
            step: trip-features
            operator: gpu-clustr
            inputs: {trips: {from: trips.trips}, zones: {from: trips.zonez}}
        """);
    CliCall call = CliCall.of("pipeline", "run", file.toString());
    assertEquals(2, call.code(), call.all());
    assertTrue(call.err().lines().anyMatch(l -> l.contains("steps[1].inputs.zones.from")), call.err());
    assertTrue(call.err().lines().anyMatch(l -> l.contains("steps[1].operator") && l.contains("gpu-clustr")),
        call.err());
    assertFalse(Files.exists(home.resolve("pipelines")), "nothing stored for an invalid pipeline");

    Files.writeString(file, "pipeline: fares\nsteps: [ {id: a\n");
    CliCall syntax = CliCall.of("pipeline", "run", file.toString());
    assertEquals(2, syntax.code(), syntax.all());
    assertEquals(1, syntax.err().lines().count(), syntax.err());

    CliCall unknown = CliCall.of("pipeline", "status", "20260101-000000-abcdef");
    assertEquals(2, unknown.code(), unknown.all());
    assertTrue(unknown.err().contains("no pipeline run with id"), unknown.err());
  }
}
