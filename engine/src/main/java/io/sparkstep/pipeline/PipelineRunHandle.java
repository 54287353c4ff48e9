package io.sparkstep.pipeline;

import io.sparkstep.api.PipelineRun;
import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The engine's {@link PipelineRun}: it reads the run's stored record, so a handle in a process that did not start the
 * run (a later CLI, another application) sees the same as the one that did.
 */
public final class PipelineRunHandle implements PipelineRun {
  /** How often a handle reads the stored record while it waits or has listeners. */
  private static final long POLL_MILLIS = 200;
  private final PipelineSubmitter submitter;
  private final String id;
  /** The driver, where this handle's process runs the pipeline; null for an attached handle. */
  private final PipelineExecutor executor;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private Thread watcher;

  PipelineRunHandle(PipelineSubmitter submitter, String id, PipelineExecutor executor) {
    this.submitter = submitter;
    this.id = id;
    this.executor = executor;
  }

  @Override
  public String id() {
    return id;
  }

  /** The run's record as it stands now (a copy). */
  public PipelineRunRecord record() {
    return submitter.observe(id);
  }

  @Override
  public RunState state() {
    return record().state;
  }

  @Override
  public String error() {
    return record().error;
  }

  @Override
  public Map<String, PipelineStepState> stepStates() {
    Map<String, PipelineStepState> states = new LinkedHashMap<>();
    record().steps.forEach(s -> states.put(s.id, s.state));
    return Collections.unmodifiableMap(states);
  }

  @Override
  public Map<String, String> stepRunIds() {
    Map<String, String> ids = new LinkedHashMap<>();
    record().steps.stream().filter(s -> s.runId != null).forEach(s -> ids.put(s.id, s.runId));
    return Collections.unmodifiableMap(ids);
  }

  @Override
  public StepRun stepRun(String stepId) {
    String runId = stepRunIds().get(stepId);
    if (runId == null) {
      throw new IllegalStateException("step '" + stepId + "' of pipeline run " + id + " has not started");
    }
    return submitter.steps().attach(runId);
  }

  @Override
  public synchronized void addListener(Listener listener) {
    listeners.add(listener);
    if (watcher == null) {
      watcher = new Thread(this::watch, "sparkstep-pipeline-watch-" + id);
      watcher.setDaemon(true);
      watcher.start();
    }
  }

  private void watch() {
    String last = null;
    while (true) {
      PipelineRunRecord record = record();
      StringBuilder now = new StringBuilder(record.state.name());
      record.steps.forEach(s -> now.append(' ').append(s.id).append('=').append(s.state));
      if (!now.toString().equals(last)) {
        last = now.toString();
        listeners.forEach(l -> l.stateChanged(this));
      }
      if (record.state.isFinal()) {
        return;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public RunState await(Duration timeout) throws InterruptedException, TimeoutException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      RunState state = state();
      if (state.isFinal()) {
        return state;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new TimeoutException("pipeline run " + id + " still " + state + " after " + timeout);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  @Override
  public Stream<String> logs(String stepId, boolean follow) {
    return stepRun(stepId).logs(follow);
  }

  @Override
  public void cancel() {
    if (executor != null) {
      executor.cancel();
    } else {
      submitter.cancel(id);
    }
  }
}
