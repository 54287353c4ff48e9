package io.sparkstep.lineage;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link LineageGraph} from the stored run records: for a step run, the run and its datasets; for a pipeline
 * run id, every step run that names it. The run that produced an input is found among the records' committed outputs:
 * the one whose commit the input's snapshot names, else the one that wrote the same snapshot (a table version),
 * else, for an input read without a snapshot of its own, the last successful run that wrote that URI before the run
 * started.
 */
public final class LineageReader {
  private final List<RunRecord> records;

  public LineageReader(List<RunRecord> records) {
    this.records = List.copyOf(records);
  }

  public static LineageReader of(RunStore runs) {
    return new LineageReader(runs.list());
  }

  /** The lineage of a step run, or of a pipeline run (all its step runs). */
  public LineageGraph lineage(String id) {
    Optional<RunRecord> run = records.stream().filter(r -> id.equals(r.runId)).findFirst();
    if (run.isPresent()) {
      return graph(id, null, List.of(run.get()));
    }
    List<RunRecord> steps = records.stream().filter(r -> id.equals(r.pipelineRun))
        .sorted(Comparator.comparing(r -> r.submittedAt == null ? Instant.EPOCH : r.submittedAt)).toList();
    if (steps.isEmpty()) {
      throw new InvalidSpecException("RUN_ID", "no run or pipeline run with id " + id,
          "list them with: sparkstep runs list, or sparkstep pipeline list");
    }
    return graph(null, id, steps);
  }

  private LineageGraph graph(String runId, String pipelineRun, List<RunRecord> runs) {
    Map<String, LineageGraph.Dataset> datasets = new LinkedHashMap<>();
    List<LineageGraph.RunNode> nodes = new ArrayList<>();
    List<LineageGraph.Edge> edges = new ArrayList<>();
    for (RunRecord run : runs) {
      List<LineageGraph.Use> inputs = new ArrayList<>();
      orEmpty(run.inputs).forEach((name, input) -> {
        if (input.uri == null) {
          return;
        }
        String producer = producerOf(run, input).map(r -> r.runId).orElse(null);
        LineageGraph.Dataset dataset = dataset(input.uri, input.format, snapshotOf(input.snapshot, producer),
            producer);
        datasets.putIfAbsent(dataset.id(), dataset);
        inputs.add(new LineageGraph.Use(name, dataset.id(), null));
        edges.add(new LineageGraph.Edge(dataset.id(), run.runId, "read"));
      });
      List<LineageGraph.Use> outputs = new ArrayList<>();
      orEmpty(run.outputs).forEach((name, output) -> {
        if (!output.committed || output.uri == null) {
          return;
        }
        String producer = producerOfOutput(run, output);
        LineageGraph.Dataset dataset = dataset(output.uri, output.format, output.snapshot, producer);
        datasets.put(dataset.id(), dataset);
        outputs.add(new LineageGraph.Use(name, dataset.id(), output.rows));
        edges.add(new LineageGraph.Edge(run.runId, dataset.id(), "wrote"));
      });
      orEmpty(run.models).forEach((name, model) -> {
        if (model.committed && model.uri != null) {
          LineageGraph.Dataset dataset = dataset(model.uri, "model", null, run.runId);
          datasets.put(dataset.id(), dataset);
          outputs.add(new LineageGraph.Use(name, dataset.id(), null));
          edges.add(new LineageGraph.Edge(run.runId, dataset.id(), "wrote"));
        }
      });
      nodes.add(new LineageGraph.RunNode(run.runId, run.step, run.pipelineStep, run.state, run.cachedFrom, inputs,
          outputs));
    }
    return new LineageGraph(runId, pipelineRun, nodes, new ArrayList<>(datasets.values()), edges);
  }

  /** A cached run wrote nothing itself: its outputs are the run's it reuses. */
  private static String producerOfOutput(RunRecord run, RunRecord.OutputInfo output) {
    if (output.snapshot != null && DataSnapshot.SPARKSTEP_COMMIT.equals(output.snapshot.kind)) {
      return output.snapshot.value;
    }
    return run.cachedFrom != null ? run.cachedFrom : run.runId;
  }

  /** An input read without a snapshot of its own takes its producer's commit, so reader and writer meet in one node. */
  private static DataSnapshot snapshotOf(DataSnapshot read, String producer) {
    if (read != null || producer == null) {
      return read;
    }
    return new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, producer);
  }

  Optional<RunRecord> producerOf(RunRecord reader, RunRecord.InputInfo input) {
    String key = DatasetName.of(input.uri).key();
    DataSnapshot snapshot = input.snapshot;
    if (snapshot != null && DataSnapshot.SPARKSTEP_COMMIT.equals(snapshot.kind)) {
      return records.stream().filter(r -> Objects.equals(r.runId, snapshot.value)).findFirst();
    }
    List<RunRecord> writers = records.stream().filter(r -> r != reader && r.state == RunState.SUCCEEDED
        && r.cachedFrom == null && wrote(r, key, null)).toList();
    if (snapshot != null && !DataSnapshot.LISTING_DIGEST.equals(snapshot.kind)) {
      return writers.stream().filter(r -> wrote(r, key, snapshot)).findFirst();
    }
    Instant readAt = reader.startedAt != null ? reader.startedAt : reader.submittedAt;
    return writers.stream().filter(r -> r.endedAt != null && (readAt == null || !r.endedAt.isAfter(readAt)))
        .max(Comparator.comparing(r -> r.endedAt));
  }

  /** Whether the run committed an output at that dataset (with that snapshot, when one is given). */
  private static boolean wrote(RunRecord run, String datasetKey, DataSnapshot snapshot) {
    return orEmpty(run.outputs).values().stream().anyMatch(o -> o.committed && o.uri != null
        && DatasetName.of(o.uri).key().equals(datasetKey) && (snapshot == null || snapshot.equals(o.snapshot)))
        || orEmpty(run.models).values().stream().anyMatch(m -> m.committed && m.uri != null && snapshot == null
        && DatasetName.of(m.uri).key().equals(datasetKey));
  }

  private static LineageGraph.Dataset dataset(String uri, String format, DataSnapshot snapshot, String producer) {
    String version = snapshot == null ? null : snapshot.toString();
    String key = DatasetName.of(uri).key();
    return new LineageGraph.Dataset(version == null ? key : key + "@" + version, uri, format, version, producer);
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
  }
}
