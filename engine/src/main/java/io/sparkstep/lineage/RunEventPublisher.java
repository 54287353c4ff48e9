package io.sparkstep.lineage;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits a step run's OpenLineage events from the handle side, where every flavor's state changes are known (a remote
 * driver may not reach the lineage backend, and a driver killed by its platform says nothing): a listener on the run's
 * handle, in whichever process observes a change (the submitting one, a later {@code runs status}). Each event of a
 * run is sent once across all those processes: the first to create its claim file under the run's directory sends
 * it. A final state reached without a START sent first gets its START first.
 */
public final class RunEventPublisher implements StepRun.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RunEventPublisher.class);
  /** Under the run's directory: one empty file per event type claimed. */
  static final String CLAIMS_DIR = "openlineage";
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
    OpenLineageSettings settings;
    try {
      settings = OpenLineageSettings.of(operator, System.getenv());
    } catch (RuntimeException e) {
      LOG.warn("openlineage: not configured for run {}: {}", run.id(), e.getMessage());
      return run;
    }
    if (!settings.enabled()) {
      return run;
    }
    RunEventPublisher publisher = new RunEventPublisher(runs, settings);
    run.addListener(publisher);
    publisher.publish(run.id());
    return run;
  }

  @Override
  public void stateChanged(StepRun run) {
    publish(run.id());
  }

  /** Sends each event the stored record's state calls for that no process has sent yet; never throws. */
  synchronized void publish(String runId) {
    try {
      RunRecord record = runs.load(runId).orElse(null);
      if (record == null) {
        return;
      }
      StepSpec spec = runs.loadSpec(runId).orElse(null);
      for (OpenLineageEvent.Type type : due(record.state)) {
        if (claim(runId, type)) {
          Instant time = type == OpenLineageEvent.Type.START ? orNow(record.startedAt) : orNow(record.endedAt);
          // scrubbed as a whole, as a record is: whatever field a secret reached, it is not sent
          String json = Redactor.scrub(OpenLineageEvent.of(type, record, spec, settings.namespace(), time)
              .toString());
          transport.send(type + " event of run " + runId, json);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("openlineage: events of run {} not sent (the run is not affected): {}", runId, e.toString());
    }
  }

  /** The events a state calls for, in order: a run that ran has started. */
  static List<OpenLineageEvent.Type> due(RunState state) {
    List<OpenLineageEvent.Type> types = new ArrayList<>();
    if (state == null || state == RunState.SUBMITTED || state == RunState.UNKNOWN) {
      return types;
    }
    types.add(OpenLineageEvent.Type.START);
    Map<RunState, OpenLineageEvent.Type> ends = Map.of(RunState.SUCCEEDED, OpenLineageEvent.Type.COMPLETE,
        RunState.FAILED, OpenLineageEvent.Type.FAIL, RunState.CANCELLED, OpenLineageEvent.Type.ABORT);
    if (ends.containsKey(state)) {
      types.add(ends.get(state));
    }
    return types;
  }

  /** Whether this process is the one to send {@code type} for the run: the claim file is created once. */
  private boolean claim(String runId, OpenLineageEvent.Type type) {
    Path claim = runs.runDir(runId).resolve(CLAIMS_DIR).resolve(type.name());
    try {
      Files.createDirectories(claim.getParent());
      Files.createFile(claim);
      return true;
    } catch (FileAlreadyExistsException taken) {
      return false;
    } catch (IOException e) {
      LOG.warn("openlineage: cannot claim the {} event of run {}: {}", type, runId, e.toString());
      return false;
    }
  }

  private static Instant orNow(Instant time) {
    return time == null ? Instant.now() : time;
  }
}
