package io.sparkstep.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.api.RunState;
import java.util.List;

/**
 * What produced what from what: the runs (one, or every step run of a pipeline run), the datasets they read and
 * wrote, each with its snapshot and the run that produced it where a stored record says so, and the edges between
 * them ({@code read}: dataset to run, {@code wrote}: run to dataset).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LineageGraph(String runId, String pipelineRun, List<RunNode> runs, List<Dataset> datasets,
                           List<Edge> edges) {

  /** One run with what it read and wrote, by the names the step gives them. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RunNode(String runId, String step, String pipelineStep, RunState state, String cachedFrom,
                        List<Use> inputs, List<Use> outputs) {
  }

  /** One input or output of a run: its name there and the dataset's id in {@link #datasets}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Use(String name, String dataset, Long rows) {
  }

  /**
   * One state of one dataset: its URI, format, snapshot ({@code kind:value}) and the run that produced it (absent
   * for data no stored run wrote). Its id is {@code uri@snapshot}, or the URI where no snapshot is known.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Dataset(String id, String uri, String format, String snapshot, String producedBy) {
  }

  /** {@code read} from a dataset to a run, {@code wrote} from a run to a dataset. */
  public record Edge(String from, String to, String kind) {
  }
}
