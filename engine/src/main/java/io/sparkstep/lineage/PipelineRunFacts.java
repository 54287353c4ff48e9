package io.sparkstep.lineage;

import io.sparkstep.api.RunState;
import java.time.Instant;
import java.util.List;

/**
 * What a pipeline run's own OpenLineage events say of it: its Sparkstep id (whose UUID its steps' parent facet names),
 * the pipeline's name (the job), its state and times, why it failed, the operator it runs on by default, the URIs it
 * read from outside (no step of it wrote them) and those its steps committed that no step of it reads (its final
 * outputs).
 */
public record PipelineRunFacts(String runId, String pipeline, RunState state, String operator, Instant startedAt,
                               Instant endedAt, String error, List<String> inputs, List<String> outputs) {
}
