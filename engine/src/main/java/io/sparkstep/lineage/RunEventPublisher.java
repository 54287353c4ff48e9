package io.sparkstep.lineage;

import io.sparkstep.api.StepRun;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.StepSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits a step run's OpenLineage events from the handle side, where every flavor's state changes are known (a remote
 * driver may not reach the lineage backend, and a driver killed by its platform says nothing): a listener on the run's
 * handle, in whichever process observes a change (the submitting one, a later {@code runs status}). Each event of a
 * run is sent once across all those processes ({@link EventClaims}). A final state reached without a START sent first
 * gets its START first.
 */
public final class RunEventPublisher implements StepRun.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RunEventPublisher.class);
  private final RunStore runs;
  private final OpenLineageSettings settings;
  private final OpenLineageTransport transport;

  RunEventPublisher(RunStore runs, OpenLineageSettings settings) {
    this.runs = runs;
    this.settings = settings;
    this.transport = new OpenLineageTransport(settings);
  }

  /**
   * Follows {@code run} when lineage is configured (the operator's settings, else this process's environment), and
   * sends at once what its state already calls for (a run that moved, or ended, before the listener was added).
   */
  public static StepRun follow(StepRun run, RunStore runs, OperatorConfig operator) {
    OpenLineageSettings settings = settingsOrNull(operator, run.id());
    if (settings == null) {
      return run;
    }
    RunEventPublisher publisher = new RunEventPublisher(runs, settings);
    run.addListener(publisher);
    publisher.publish(run.id());
    return run;
  }

  /**
   * Sends now what the stored state of run {@code runId} calls for and no process has sent, or waits for this
   * process's send in flight: afterwards every event of that state has left (or was claimed by another process).
   * The pipeline's driver calls it for a step run it saw end, so the pipeline's own end goes after its steps' ends.
   */
  public static void catchUp(String runId, RunStore runs, OperatorConfig operator) {
    OpenLineageSettings settings = settingsOrNull(operator, runId);
    if (settings != null) {
      new RunEventPublisher(runs, settings).publish(runId);
    }
  }

  /** The settings of lineage when it is configured, else null (a setting lineage cannot use is said once). */
  static OpenLineageSettings settingsOrNull(OperatorConfig operator, String runId) {
    try {
      OpenLineageSettings settings = OpenLineageSettings.of(operator, System.getenv());
      return settings.enabled() ? settings : null;
    } catch (RuntimeException e) {
      LOG.warn("openlineage: not configured for run {}: {}", runId, e.getMessage());
      return null;
    }
  }

  @Override
  public void stateChanged(StepRun run) {
    publish(run.id());
  }

  /** Sends each event the stored record's state calls for that no process has sent yet; never throws. */
  void publish(String runId) {
    try {
      RunRecord record = runs.load(runId).orElse(null);
      if (record == null) {
        return;
      }
      StepSpec spec = runs.loadSpec(runId).orElse(null);
      EventClaims.sendDue(runs.runDir(runId), runId, record.state, record.startedAt, record.endedAt,
          (type, time) -> OpenLineageEvent.of(type, record, spec, settings.namespace(), time), transport);
    } catch (RuntimeException e) {
      LOG.warn("openlineage: events of run {} not sent (the run is not affected): {}", runId, e.toString());
    }
  }
}
