package io.sparkstep.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.api.PipelineStepState;
import io.sparkstep.api.RunState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to one pipeline run, as stored in {@code <home>/pipelines/<id>/run.json}: its state, the process
 * that drives it (so any later process can tell a dead driver from a running one), a cancel request from another
 * process, and per step its state, step run id and committed outputs. Each step run has its own run record too,
 * naming this pipeline run and its step id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class PipelineRunRecord {
  public String id;
  public String pipeline;
  public RunState state = RunState.SUBMITTED;
  public Instant submittedAt;
  public Instant startedAt;
  public Instant endedAt;
  /** Why the pipeline failed or was cancelled: the failed step and its cause. */
  public String error;
  public int parallelism;
  /**
   * When the run was last made ready to run (created or resumed): until a process takes it up, it counts as driven
   * for {@link PipelineSubmitter#DRIVER_START_GRACE}, so a look in between does not take it for a dead run.
   */
  public Instant readyAt;
  public String driverPid;
  public Instant driverStartedAt;
  public boolean cancelRequested;
  public List<StepEntry> steps = new ArrayList<>();

  public Optional<StepEntry> step(String stepId) {
    return steps.stream().filter(s -> s.id.equals(stepId)).findFirst();
  }

  /** One step of the run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class StepEntry {
    public String id;
    public PipelineStepState state = PipelineStepState.PENDING;
    /** The step run's id; given before the run starts, so its artifact location is known up front. */
    public String runId;
    /** Output (and model) name to the URI the step run committed. */
    public Map<String, String> outputs = new LinkedHashMap<>();
    public String error;
    /** Step run ids of earlier attempts of this step (before a resume). */
    public List<String> earlierRunIds = new ArrayList<>();

    public StepEntry() {
    }

    public StepEntry(String id) {
      this.id = id;
    }
  }
}
