package io.sparkstep.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runs lineage} on stored records of a two-step chain (no Spark): the reader's input is matched to the run that
 * committed it, by its commit snapshot or, read without one, by URI and time; a pipeline run id gives the whole graph.
 */
class LineageReaderTest {
  @TempDir
  Path home;

  @AfterEach
  void clearHome() {
    System.clearProperty("sparkstep.home");
  }

  @Test
  void aStepRunsInputNamesTheRunThatProducedItAndAPipelineRunGivesTheWholeGraph() throws Exception {
    RunStore runs = new RunStore(home);
    Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
    RunRecord older = producer("run-0", "/data/trips", t0.minusSeconds(600));
    RunRecord trips = producer("run-a", "file:///data/trips/", t0);
    RunRecord features = RunRecord.builder().runId("run-b").step("trip-features").operator("local").flavor("local")
        .pipelineRun("pipe-1").pipelineStep("features")
        .submittedAt(t0.plusSeconds(60)).startedAt(t0.plusSeconds(61)).endedAt(t0.plusSeconds(90))
        .state(RunState.SUCCEEDED)
        // read without a snapshot of its own: matched by URI (spelt differently) and time
        .inputs(Map.of("trips", new RunRecord.InputInfo("file:/data/trips", "parquet", null)))
        .outputs(Map.of("features", new RunRecord.OutputInfo("file:/data/features", "parquet", 42L, true,
            new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, "run-b"))))
        .build();
    for (RunRecord record : new RunRecord[] {older, trips, features}) {
      runs.reserve(record.runId);
      runs.save(record);
    }

    LineageGraph graph = LineageReader.of(runs).lineage("run-b");
    LineageGraph.Dataset input = graph.datasets().stream().filter(d -> d.uri().equals("file:/data/trips"))
        .findFirst().orElseThrow();
    assertEquals("run-a", input.producedBy(), "the last run that wrote it before run-b started, not run-0");
    assertEquals("sparkstep-commit:run-a", input.snapshot());

    System.setProperty("sparkstep.home", home.toString());
    CliCall text = CliCall.of("runs", "lineage", "run-b");
    assertEquals(0, text.code(), text.all());
    assertTrue(text.out().contains("trips  file:/data/trips (parquet)  sparkstep-commit:run-a  <- run run-a"),
        text.out());
    assertTrue(text.out().contains("features  file:/data/features (parquet)  sparkstep-commit:run-b  42 rows"),
        text.out());

    CliCall pipeline = CliCall.of("runs", "lineage", "pipe-1", "--json");
    assertEquals(0, pipeline.code(), pipeline.all());
    JsonNode json = new ObjectMapper().readTree(pipeline.out());
    assertEquals("pipe-1", json.path("pipelineRun").asText());
    assertEquals(2, json.path("runs").size(), "both step runs of the pipeline");
    assertEquals(2, json.path("datasets").size(), "what run-a wrote and run-b read is one dataset: " + json);
    String edges = json.path("edges").toString();
    assertTrue(edges.contains("{\"from\":\"run-a\",\"to\":\"file:/data/trips@sparkstep-commit:run-a\",\"kind\":\"wrote\"}")
        && edges.contains("{\"from\":\"file:/data/trips@sparkstep-commit:run-a\",\"to\":\"run-b\",\"kind\":\"read\"}")
        && edges.contains("{\"from\":\"run-b\",\"to\":\"file:/data/features@sparkstep-commit:run-b\",\"kind\":\"wrote\"}"),
        edges);

    CliCall unknown = CliCall.of("runs", "lineage", "nope-1");
    assertEquals(2, unknown.code(), unknown.all());
    assertEquals(1, unknown.err().lines().count(), unknown.err());
  }

  private static RunRecord producer(String runId, String uri, Instant endedAt) {
    return RunRecord.builder().runId(runId).step("generate-trips").operator("local").flavor("local")
        .pipelineRun("run-a".equals(runId) ? "pipe-1" : null)
        .pipelineStep("run-a".equals(runId) ? "trips" : null)
        .submittedAt(endedAt.minusSeconds(30)).startedAt(endedAt.minusSeconds(29)).endedAt(endedAt)
        .state(RunState.SUCCEEDED)
        .outputs(Map.of("trips", new RunRecord.OutputInfo(uri, "parquet", 100L, true,
            new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, runId))))
        .build();
  }
}
