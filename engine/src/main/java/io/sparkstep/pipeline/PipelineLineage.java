package io.sparkstep.pipeline;

import io.sparkstep.lineage.PipelineEventPublisher;
import io.sparkstep.lineage.PipelineRunFacts;
import io.sparkstep.lineage.RunEventPublisher;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.submit.StepSubmitter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline run's own OpenLineage events, sent by the process that changes its state (docs/lineage.md): lineage is
 * configured as for its steps, through the pipeline's default operator or the environment. Never the run's business:
 * whatever goes wrong is one warning line.
 */
final class PipelineLineage {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineLineage.class);
  private final StepSubmitter steps;
  private final PipelineRunStore store;

  PipelineLineage(StepSubmitter steps, PipelineRunStore store) {
    this.steps = steps;
    this.store = store;
  }

  /** Sends what the run's stored state calls for and no process has sent yet. */
  void publish(PipelineRunRecord record) {
    try {
      Pipeline pipeline = store.pipeline(record.id);
      String operator = pipeline.operator == null || pipeline.operator.isBlank() ? OperatorStore.DEFAULT_OPERATOR
          : pipeline.operator;
      PipelineEventPublisher.publish(facts(record, pipeline, operator), store.runDir(record.id),
          steps.operators().get(operator));
    } catch (RuntimeException e) {
      LOG.warn("openlineage: events of pipeline run {} not sent (the run is not affected): {}", record.id,
          e.toString());
    }
  }

  /** For a step run the driver saw end: its own events have left before the pipeline's end can follow. */
  void stepEnded(Pipeline pipeline, PipelineStep step, String stepRunId) {
    try {
      RunEventPublisher.catchUp(stepRunId, steps.runs(), steps.operators().get(pipeline.operatorOf(step)));
    } catch (RuntimeException e) {
      LOG.warn("openlineage: events of run {} not sent (the run is not affected): {}", stepRunId, e.toString());
    }
  }

  /** The run goes on as the same OpenLineage run: no second START, a new end. */
  void resumed(String id) {
    PipelineEventPublisher.resumed(store.runDir(id), id);
  }

  /** External inputs: URIs no step of the pipeline wrote; final outputs: what steps committed and no step reads. */
  static PipelineRunFacts facts(PipelineRunRecord record, Pipeline pipeline, String operator) {
    Set<String> readFromSteps = new HashSet<>();
    List<String> inputs = new ArrayList<>();
    for (PipelineStep step : pipeline.steps) {
      for (PipelineArtifact input : step.inputs.values()) {
        if (input != null && input.from != null) {
          readFromSteps.add(input.from);
        } else if (input != null && input.uri != null && !inputs.contains(input.uri)) {
          inputs.add(input.uri);
        }
      }
    }
    List<String> outputs = new ArrayList<>();
    for (PipelineRunRecord.StepEntry entry : record.steps) {
      entry.outputs.forEach((name, uri) -> {
        if (!readFromSteps.contains(entry.id + "." + name)) {
          outputs.add(uri);
        }
      });
    }
    return new PipelineRunFacts(record.id, record.pipeline, record.state, operator, record.startedAt,
        record.endedAt, record.error, inputs, outputs);
  }
}
