package io.sparkstep.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which OpenLineage events of a run (step run or pipeline run) are due, and which process sends each: the first to
 * create the event's claim file under the run's directory. Step runs and pipeline runs share this, so each of their
 * events is sent once across every process that observes them. This process sends one event at a time, so one that
 * makes sure an earlier event went out (a step's end before its pipeline's) waits for a send in flight rather than
 * overtaking it.
 */
final class EventClaims {
  private static final Logger LOG = LoggerFactory.getLogger(EventClaims.class);
  /** Under the run's directory: one empty file per event type claimed. */
  static final String CLAIMS_DIR = "openlineage";
  /** Held while this process claims and sends an event. */
  private static final Object SENDING = new Object();

  private EventClaims() {
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

  /**
   * Claims and sends, in order, each event {@code state} calls for that no process has sent yet: START dated
   * {@code startedAt}, an end dated {@code endedAt} (now where not known). Scrubbed as a whole, as a record is:
   * whatever field a secret reached, it is not sent.
   */
  static void sendDue(Path runDir, String run, RunState state, Instant startedAt, Instant endedAt,
                      BiFunction<OpenLineageEvent.Type, Instant, ObjectNode> event, OpenLineageTransport transport) {
    synchronized (SENDING) {
      for (OpenLineageEvent.Type type : due(state)) {
        if (claim(runDir, type, run)) {
          Instant time = type == OpenLineageEvent.Type.START ? startedAt : endedAt;
          String json = Redactor.scrub(event.apply(type, time == null ? Instant.now() : time).toString());
          transport.send(type + " event of run " + run, json);
        }
      }
    }
  }

  /** Whether this process is the one to send {@code type} for the run whose directory is {@code runDir}. */
  private static boolean claim(Path runDir, OpenLineageEvent.Type type, String run) {
    Path claim = runDir.resolve(CLAIMS_DIR).resolve(type.name());
    try {
      Files.createDirectories(claim.getParent());
      Files.createFile(claim);
      return true;
    } catch (FileAlreadyExistsException taken) {
      return false;
    } catch (IOException e) {
      LOG.warn("openlineage: cannot claim the {} event of run {}: {}", type, run, e.toString());
      return false;
    }
  }

  /** Frees the end events' claims of a run that goes on again (a resumed pipeline run); its START stays sent. */
  static void releaseEnds(Path runDir, String run) {
    for (OpenLineageEvent.Type type : OpenLineageEvent.Type.values()) {
      if (type != OpenLineageEvent.Type.START) {
        try {
          Files.deleteIfExists(runDir.resolve(CLAIMS_DIR).resolve(type.name()));
        } catch (IOException e) {
          LOG.warn("openlineage: cannot free the {} event of run {}: {}", type, run, e.toString());
        }
      }
    }
  }
}
