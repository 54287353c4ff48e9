package io.sparkstep.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events built from records, checked against the OpenLineage spec's schemas; dataset names as its naming spec says. */
class OpenLineageEventTest {
  private final OpenLineageSchema schema = new OpenLineageSchema();

  @Test
  void everyEventTypeOfAPipelineStepIsAValidRunEventWithItsFacets() throws Exception {
    RunRecord record = pipelineStepRun();
    StepSpec spec = specOf(record);
    for (OpenLineageEvent.Type type : OpenLineageEvent.Type.values()) {
      String json = OpenLineageEvent.of(type, record, spec, "analytics", Instant.now()).toString();
      assertEquals(List.of(), schema.problems(json), type + ": " + json);
    }
    JsonNode complete = new ObjectMapper().readTree(OpenLineageEvent.of(OpenLineageEvent.Type.COMPLETE, record, spec,
        "analytics", Instant.now()).toString());
    assertEquals("fares.features", complete.at("/job/name").asText());
    assertEquals(OpenLineageEvent.runUuid("pipe-1").toString(), complete.at("/run/facets/parent/run/runId").asText());
    assertEquals("fares", complete.at("/run/facets/parent/job/name").asText());
    assertEquals("s3://bucket", complete.at("/inputs/0/namespace").asText());
    assertEquals("trips/part", complete.at("/inputs/0/name").asText());
    assertEquals("run-a", complete.at("/inputs/0/facets/version/datasetVersion").asText());
    assertEquals("7", complete.at("/inputs/1/facets/version/datasetVersion").asText());
    assertEquals("run-b", complete.at("/outputs/0/facets/version/datasetVersion").asText());
    JsonNode fail = new ObjectMapper().readTree(OpenLineageEvent.of(OpenLineageEvent.Type.FAIL, record, spec,
        "analytics", Instant.now()).toString());
    assertEquals("boom", fail.at("/run/facets/errorMessage/message").asText());
    assertEquals(0, fail.at("/outputs").size(), "a failed run committed nothing");
  }

  @Test
  void aPipelineRunsOwnEventsAreValidAndNameTheRunItsStepsNameAsParent() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String parentOfItsSteps = json.readTree(OpenLineageEvent.of(OpenLineageEvent.Type.START, pipelineStepRun(),
        specOf(pipelineStepRun()), "analytics", Instant.now()).toString()).at("/run/facets/parent/run/runId").asText();
    for (OpenLineageEvent.Type type : OpenLineageEvent.Type.values()) {
      String event = OpenLineageEvent.ofPipeline(type, pipelineRun(), "analytics", Instant.now()).toString();
      assertEquals(List.of(), schema.problems(event), type + ": " + event);
      JsonNode node = json.readTree(event);
      assertEquals(parentOfItsSteps, node.at("/run/runId").asText(), event);
      assertEquals("fares", node.at("/job/name").asText(), event);
      assertEquals("trips/part", node.at("/inputs/0/name").asText(), event);
      assertEquals(type == OpenLineageEvent.Type.COMPLETE ? 1 : 0, node.at("/outputs").size(), event);
      assertEquals(type == OpenLineageEvent.Type.FAIL, node.at("/run/facets").has("errorMessage"), event);
    }
    JsonNode fail = json.readTree(OpenLineageEvent.ofPipeline(OpenLineageEvent.Type.FAIL, pipelineRun(), "analytics",
        Instant.now()).toString());
    assertEquals("step 'features' failed: boom", fail.at("/run/facets/errorMessage/message").asText());
  }

  @Test
  void theSchemaCheckCatchesABrokenEvent() throws Exception {
    RunRecord record = pipelineStepRun();
    var event = OpenLineageEvent.of(OpenLineageEvent.Type.START, record, specOf(record), "ns", Instant.now());
    event.with("run").put("runId", "not-a-uuid");
    event.remove("producer");
    List<String> problems = schema.problems(event.toString());
    assertTrue(problems.size() >= 2, problems.toString());
  }

  @Test
  void datasetNamesFollowOpenLineagesNamingSpec() {
    assertEquals(new DatasetName("s3://bucket", "a/b"), DatasetName.of("s3a://bucket/a/b/"));
    assertEquals(new DatasetName("gs://bucket", "a/b"), DatasetName.of("gs://bucket/a/b"));
    assertEquals(new DatasetName("abfss://box@acct.dfs.core.windows.net", "/a/b"),
        DatasetName.of("abfss://box@acct.dfs.core.windows.net/a/b"));
    assertEquals(new DatasetName("file", "/data/x"), DatasetName.of("file:///data/x"));
    assertEquals(DatasetName.of("file:/data/x").key(), DatasetName.of("/data/x/").key());
    assertEquals(new DatasetName("hdfs://nn:8020", "/warehouse/t"), DatasetName.of("hdfs://nn:8020/warehouse/t"));
  }

  @Test
  void aRunOnItsOwnIsItsStepsJobWithNoParent() throws Exception {
    RunRecord record = new RunRecord("run-c", "generate-trips", "local", "local").toBuilder()
        .state(RunState.RUNNING).build();
    String json = OpenLineageEvent.of(OpenLineageEvent.Type.START, record, null, "sparkstep", Instant.now())
        .toString();
    assertEquals(List.of(), schema.problems(json), json);
    JsonNode node = new ObjectMapper().readTree(json);
    assertEquals("generate-trips", node.at("/job/name").asText());
    assertFalse(node.at("/run/facets").has("parent"));
  }

  static RunRecord pipelineStepRun() {
    return new RunRecord("run-b", "trip-features", "local", "local").toBuilder()
        .pipelineRun("pipe-1").pipelineStep("features").state(RunState.SUCCEEDED).build()
        .inputRead("trips", new RunRecord.InputInfo("s3a://bucket/trips/part", "parquet",
            new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, "run-a")))
        .inputRead("zones", new RunRecord.InputInfo("file:/tables/zones", "delta",
            new DataSnapshot(DataSnapshot.DELTA_VERSION, "7")))
        .outputCommitted("features", new RunRecord.OutputInfo("gs://out/features", "parquet", 10L, true,
            new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, "run-b")))
        .failed(RunRecord.ErrorInfo.of("java.lang.IllegalStateException", "boom"));
  }

  /** The pipeline run of {@link #pipelineStepRun}, failed at that step. */
  static PipelineRunFacts pipelineRun() {
    return new PipelineRunFacts("pipe-1", "fares", RunState.FAILED, "local", Instant.parse("2026-12-07T10:00:00Z"),
        Instant.parse("2026-12-07T10:05:00Z"), "step 'features' failed: boom", List.of("s3a://bucket/trips/part"),
        List.of("gs://out/features"));
  }

  static StepSpec specOf(RunRecord record) {
    StepSpec spec = new StepSpec();
    spec.runId = record.runId;
    spec.step = record.step;
    record.inputs.forEach((name, info) -> spec.inputs.put(name, ArtifactSpec.ofUri(info.uri)));
    record.outputs.forEach((name, info) -> spec.outputs.put(name, ArtifactSpec.ofUri(info.uri)));
    spec.labels.put(RunRecord.PIPELINE_LABEL, "fares");
    return spec;
  }
}
