package io.sparkstep.pipeline;

import static io.sparkstep.api.launch.PipelineRequest.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.InvalidInputException;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.launch.LaunchRequest;
import io.sparkstep.api.launch.PipelineRequest;
import io.sparkstep.api.launch.Sparkstep;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api's pipeline request becomes the model a pipeline file reads into, and is refused as a file is: every problem
 * at once with its path, before anything is stored or started. Nothing here starts Spark.
 */
class PipelineRequestConversionTest {
  @TempDir
  Path home;

  @Test
  void aRequestIsTheSamePipelineAsTheFileThatSaysTheSame() {
    PipelineRequest request = PipelineRequest.builder("fares").operator("local").artifactStore("file:///data/store")
        .step("trips", "generate-trips").param("rows", 200).conf("spark.sql.shuffle.partitions", "4")
        .step("features", "trip-features").operator("other").input("trips", from("trips.trips"))
        .input("zones", "file:/data/zones", "csv").output("features", "file:/data/features").overwrite()
        .resources(StepResources.builder().cpu(2).memory("4g").build()).retry(3, 500).label("team", "ml")
        .build();
    Pipeline file = PipelineFile.read("""
        pipeline: fares
        operator: local
        artifactStore: file:///data/store
        steps:
          - id: trips
            step: generate-trips
            params: {rows: 200}
            conf: {spark.sql.shuffle.partitions: "4"}
          - id: features
            step: trip-features
            operator: other
            inputs:
              zones: {uri: "file:/data/zones", format: csv}
              trips: {from: trips.trips}
            outputs: {features: {uri: "file:/data/features", mode: overwrite}}
            resources: {cpu: 2, memory: 4g}
            retry: {maxAttempts: 3, backoffMillis: 500}
            labels: {team: ml}
        """, "fares.yaml");

    PipelineRequestConversion converted = PipelineRequestConversion.of(request);

    assertEquals(List.of(), converted.problems());
    assertEquals(PipelineFile.writeJson(file), PipelineFile.writeJson(converted.pipeline()));
  }

  @Test
  void everyProblemComesAtOnceWithItsPathAndNothingIsStored(@TempDir Path data) {
    PipelineRequest valid = PipelineRequest.builder("fares")
        .step("trips", "generate-trips").param("rows", 100)
        .step("features", "trip-features").input("trips", from("trips.trips")).input("zones", from("nosuch.zones"))
        .build();
    // What the builder cannot say but a request value can: a step with its own run id, an input given twice.
    LaunchRequest features = valid.steps().get(1).launch();
    LaunchRequest withRunId = new LaunchRequest(features.operator(), null, features.step(), features.jars(),
        features.params(), Map.of("trips", new LaunchRequest.Artifact(data.toUri().toString(), null, false)),
        features.outputs(), null, features.conf(), null, null, "r1", false, false, features.labels());
    PipelineRequest request = new PipelineRequest("fares", null, home, null, 0, List.of(valid.steps().get(0),
        new PipelineRequest.StepEntry("features", withRunId, valid.steps().get(1).inputsFrom())));

    InvalidInputException refused = assertThrows(InvalidInputException.class,
        () -> Sparkstep.pipeline(request).submit());

    List<String> lines = refused.problemLines();
    for (String field : List.of("steps[1].runId", "steps[1].inputs.trips", "parallelism",
        "steps[1].inputs.zones.from")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(field + ":")), field + " in " + lines);
    }
    assertEquals(4, lines.size(), lines.toString());
    assertEquals(List.of(), new PipelineRunStore(home).list(), "nothing stored");
  }
}
