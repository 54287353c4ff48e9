package io.sparkstep.lineage;

import io.sparkstep.spi.OperatorConfig;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits a pipeline run's own OpenLineage events (START, then COMPLETE, FAIL or ABORT), so a lineage backend sees the
 * parent its step runs name start and end. Called by whichever process changes the pipeline run's state (its driver,
 * or a later process that finds the driver dead or cancels the run); each event is sent once across them, as a step
 * run's ({@link EventClaims}, under the pipeline run's directory).
 */
public final class PipelineEventPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineEventPublisher.class);

  private PipelineEventPublisher() {
  }

  /** Sends each event the run's state calls for that no process has sent yet; never throws. */
  public static void publish(PipelineRunFacts run, Path runDir, OperatorConfig operator) {
    OpenLineageSettings settings = RunEventPublisher.settingsOrNull(operator, run.runId());
    if (settings != null) {
      publish(run, runDir, settings);
    }
  }

  static void publish(PipelineRunFacts run, Path runDir, OpenLineageSettings settings) {
    try {
      EventClaims.sendDue(runDir, run.runId(), run.state(), run.startedAt(), run.endedAt(),
          (type, time) -> OpenLineageEvent.ofPipeline(type, run, settings.namespace(), time),
          new OpenLineageTransport(settings));
    } catch (RuntimeException e) {
      LOG.warn("openlineage: events of pipeline run {} not sent (the run is not affected): {}", run.runId(),
          e.toString());
    }
  }

  /**
   * A resumed run goes on as the same OpenLineage run: its START stays sent (no second one), and its end is sent again
   * when the resumed run ends.
   */
  public static void resumed(Path runDir, String runId) {
    EventClaims.releaseEnds(runDir, runId);
  }
}
