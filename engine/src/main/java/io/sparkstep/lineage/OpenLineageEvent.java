package io.sparkstep.lineage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One OpenLineage run event (spec 2-0-2) of a step run (or of a pipeline run, {@link #ofPipeline}): the run with its parent (the pipeline run) and, for a
 * failure, its error message; the job; the inputs with the snapshot each was read at as the {@code version} facet;
 * and the outputs: those the spec declares on START, those committed (with their snapshot) on COMPLETE, none on FAIL
 * and ABORT, where nothing was committed.
 */
public final class OpenLineageEvent {
  public static final String SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
  static final String VERSION_FACET_URL =
      "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet";
  static final String PARENT_FACET_URL =
      "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet";
  static final String ERROR_FACET_URL =
      "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
  /** Sparkstep's own run facet (its run id, state, operator); documented in docs/lineage.md, no schema published. */
  static final String SPARKSTEP_FACET_URL = "https://sparkstep.io/spec/facets/1-0-0/SparkstepRunFacet.json";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** START, COMPLETE, FAIL or ABORT. */
  public enum Type { START, COMPLETE, FAIL, ABORT }

  private OpenLineageEvent() {
  }

  /**
   * The OpenLineage run id of a Sparkstep run (or pipeline run) id: a name-based UUID, so every process that emits
   * for one run, and the parent facet of its steps, name the same OpenLineage run.
   */
  public static UUID runUuid(String sparkstepRunId) {
    return UUID.nameUUIDFromBytes(("sparkstep-run:" + sparkstepRunId).getBytes(StandardCharsets.UTF_8));
  }

  /** The producer URI: Sparkstep and its version. */
  public static String producer() {
    String version = OpenLineageEvent.class.getPackage().getImplementationVersion();
    return "https://sparkstep.io/sparkstep/" + (version == null ? "dev" : version);
  }

  public static ObjectNode of(Type type, RunRecord record, StepSpec spec, String namespace, Instant eventTime) {
    StepSpec declared = spec == null ? new StepSpec() : spec;
    return envelope(type, eventTime, run(type, record, declared, namespace), namespace, jobName(record, declared),
        inputs(record, declared), outputs(type, record, declared));
  }

  /**
   * One event of a pipeline run itself: the run its steps' parent facet names, the job named after the pipeline, its
   * external inputs and, on COMPLETE, its final outputs (no version facet: a pipeline reads and writes through its
   * steps, whose events carry the snapshots).
   */
  public static ObjectNode ofPipeline(Type type, PipelineRunFacts pipeline, String namespace, Instant eventTime) {
    ObjectNode run = JSON.objectNode();
    run.put("runId", runUuid(pipeline.runId()).toString());
    ObjectNode facets = run.putObject("facets");
    if (type == Type.FAIL && pipeline.error() != null) {
      facets.set("errorMessage", errorMessage(pipeline.error(), null));
    }
    ObjectNode sparkstep = facet(SPARKSTEP_FACET_URL);
    sparkstep.put("pipelineRun", pipeline.runId());
    sparkstep.put("state", String.valueOf(pipeline.state()));
    putIfSet(sparkstep, "operator", pipeline.operator());
    facets.set("sparkstep", sparkstep);
    ArrayNode inputs = JSON.arrayNode();
    pipeline.inputs().forEach(uri -> inputs.add(dataset(uri, null)));
    ArrayNode outputs = JSON.arrayNode();
    if (type == Type.COMPLETE) {
      pipeline.outputs().forEach(uri -> outputs.add(dataset(uri, null)));
    }
    return envelope(type, eventTime, run, namespace, pipeline.pipeline(), inputs, outputs);
  }

  private static ObjectNode envelope(Type type, Instant eventTime, ObjectNode run, String namespace, String jobName,
                                     ArrayNode inputs, ArrayNode outputs) {
    ObjectNode event = JSON.objectNode();
    event.put("eventType", type.name());
    event.put("eventTime", eventTime.toString());
    event.put("producer", producer());
    event.put("schemaURL", SCHEMA_URL);
    event.set("run", run);
    ObjectNode job = event.putObject("job");
    job.put("namespace", namespace);
    job.put("name", jobName);
    job.putObject("facets");
    event.set("inputs", inputs);
    event.set("outputs", outputs);
    return event;
  }

  /** A step of a pipeline is {@code PIPELINE.STEP_ID}; a step run on its own is the step's name. */
  static String jobName(RunRecord record, StepSpec spec) {
    String pipeline = spec.labels.get(RunRecord.PIPELINE_LABEL);
    if (record.pipelineRun != null && record.pipelineStep != null) {
      return (pipeline == null ? record.pipelineRun : pipeline) + "." + record.pipelineStep;
    }
    return record.step;
  }

  private static ObjectNode run(Type type, RunRecord record, StepSpec spec, String namespace) {
    ObjectNode run = JSON.objectNode();
    run.put("runId", runUuid(record.runId).toString());
    ObjectNode facets = run.putObject("facets");
    if (record.pipelineRun != null) {
      ObjectNode parent = facet(PARENT_FACET_URL);
      parent.putObject("run").put("runId", runUuid(record.pipelineRun).toString());
      String pipeline = spec.labels.get(RunRecord.PIPELINE_LABEL);
      parent.putObject("job").put("namespace", namespace).put("name",
          pipeline == null ? record.pipelineRun : pipeline);
      facets.set("parent", parent);
    }
    if (type == Type.FAIL && record.error != null) {
      facets.set("errorMessage", errorMessage(record.error.message == null ? record.error.type : record.error.message,
          record.error.stackTrace));
    }
    ObjectNode sparkstep = facet(SPARKSTEP_FACET_URL);
    sparkstep.put("runId", record.runId);
    sparkstep.put("state", String.valueOf(record.state));
    putIfSet(sparkstep, "operator", record.operator);
    putIfSet(sparkstep, "flavor", record.flavor);
    putIfSet(sparkstep, "pipelineRun", record.pipelineRun);
    putIfSet(sparkstep, "cachedFrom", record.cachedFrom);
    facets.set("sparkstep", sparkstep);
    return run;
  }

  /** The record's inputs (as the driver read them, with their snapshots), else what the spec declares. */
  private static ArrayNode inputs(RunRecord record, StepSpec spec) {
    Map<String, RunRecord.InputInfo> inputs = new LinkedHashMap<>();
    spec.inputs.forEach((name, artifact) -> inputs.put(name, new RunRecord.InputInfo(artifact.uri,
        artifact.formatOrDefault().sparkName(), null)));
    if (record.inputs != null) {
      inputs.putAll(record.inputs);
    }
    ArrayNode datasets = JSON.arrayNode();
    inputs.values().stream().filter(info -> info.uri != null)
        .forEach(info -> datasets.add(dataset(info.uri, info.snapshot)));
    return datasets;
  }

  private static ArrayNode outputs(Type type, RunRecord record, StepSpec spec) {
    ArrayNode datasets = JSON.arrayNode();
    if (type == Type.START) {
      for (ArtifactSpec artifact : spec.outputs.values()) {
        if (artifact.uri != null) {
          datasets.add(dataset(artifact.uri, null));
        }
      }
    } else if (type == Type.COMPLETE) {
      record.outputs.values().stream().filter(output -> output.committed && output.uri != null)
          .forEach(output -> datasets.add(dataset(output.uri, output.snapshot)));
      record.models.values().stream().filter(model -> model.committed && model.uri != null)
          .forEach(model -> datasets.add(dataset(model.uri, null)));
    }
    return datasets;
  }

  private static ObjectNode dataset(String uri, DataSnapshot snapshot) {
    DatasetName name = DatasetName.of(uri);
    ObjectNode dataset = JSON.objectNode();
    dataset.put("namespace", name.namespace());
    dataset.put("name", name.name());
    ObjectNode facets = dataset.putObject("facets");
    if (snapshot != null && snapshot.value != null) {
      facets.set("version", facet(VERSION_FACET_URL).put("datasetVersion", snapshot.value));
    }
    return dataset;
  }

  private static ObjectNode errorMessage(String message, String stackTrace) {
    ObjectNode error = facet(ERROR_FACET_URL);
    error.put("message", message);
    error.put("programmingLanguage", "JAVA");
    putIfSet(error, "stackTrace", stackTrace);
    return error;
  }

  private static ObjectNode facet(String schemaUrl) {
    ObjectNode facet = JSON.objectNode();
    facet.put("_producer", producer());
    facet.put("_schemaURL", schemaUrl);
    return facet;
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
