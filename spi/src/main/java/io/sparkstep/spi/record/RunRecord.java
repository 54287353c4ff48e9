package io.sparkstep.spi.record;

import io.sparkstep.spi.util.Redactor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened to one run: state, timings, rows per output, Spark app id and UI, the error and its cause, each
 * attempt, the accelerator, and flavor-specific handle data (a driver pod, a job ARN) so a later CLI process can
 * reattach for status, logs and cancel. Never holds secrets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RunRecord {
  public String runId;
  public String step;
  public String operator;
  public String flavor;
  public RunState state = RunState.SUBMITTED;
  public Instant submittedAt;
  public Instant startedAt;
  public Instant endedAt;
  public Long durationMillis;
  /** What each input was when the run read it: its URI, format and snapshot (lineage and the step cache's key). */
  public Map<String, InputInfo> inputs = new LinkedHashMap<>();
  public Map<String, OutputInfo> outputs = new LinkedHashMap<>();
  /** Model outputs: where each fitted model was committed, its class, Spark version and size. */
  public Map<String, ModelInfo> models = new LinkedHashMap<>();
  /** Metrics the step reported: a number, or a small map of numbers, per name. */
  public Map<String, Object> metrics = new LinkedHashMap<>();
  public String sparkAppId;
  public String sparkUiUrl;
  public String sparkMaster;
  public ErrorInfo error;
  public List<Attempt> attempts = new ArrayList<>();
  public AcceleratorInfo accelerator;
  /** Flavor-specific handle data: ids a flavor needs to find the run again. */
  public Map<String, String> platform = new LinkedHashMap<>();
  /** Where the full logs are (a file, a pod, a log stream). */
  public String logUri;
  public String host;
  /** The pipeline run this run is a step of (absent for a run of its own), from the spec's label of that name. */
  public String pipelineRun;
  /** The id of the pipeline step this run is, beside {@link #pipelineRun}. */
  public String pipelineStep;
  /** A cached run: the id of the run whose committed outputs this run reuses (no Spark session started). */
  public String cachedFrom;
  /** The step cache's verdict for this run: its key, hit or miss, and why. */
  public CacheInfo cache;
  public static final String PIPELINE_RUN_LABEL = "sparkstep.pipelineRun";
  public static final String PIPELINE_STEP_LABEL = "sparkstep.pipelineStep";
  /** Platform key: why the state is UNKNOWN (the platform's error); gone once the platform answers again. */
  public static final String UNREACHABLE = "unreachable";
  /** Platform key: why the platform holds the run back (unschedulable pod, image pull back-off), while it does. */
  public static final String WAITING = "waiting";

  public RunRecord() {
  }

  public RunRecord(String runId, String step, String operator, String flavor) {
    this.runId = runId;
    this.step = step;
    this.operator = operator;
    this.flavor = flavor;
    this.submittedAt = Instant.now();
  }

  /**
   * Moves to {@code next} unless already final; stamps start and end times that are not known yet (a flavor sets
   * them first from the platform's own times, so they do not depend on when some process happened to look).
   */
  public synchronized boolean transition(RunState next) {
    if (state != null && state.isFinal()) {
      return false;
    }
    Instant now = Instant.now();
    if (next == RunState.RUNNING && startedAt == null) {
      startedAt = now;
    }
    if (next.isFinal()) {
      if (endedAt == null) {
        endedAt = now;
      }
      if (startedAt == null) {
        startedAt = submittedAt == null ? now : submittedAt;
      }
      durationMillis = Duration.between(startedAt, endedAt).toMillis();
    }
    boolean changed = state != next;
    state = next;
    return changed;
  }

  /**
   * Takes over what the driver's own record knows better than a launcher's: when the step started, the inputs it
   * read with their snapshots, its outputs and rows, its models and metrics, the Spark application, attempts, accelerator, host, the step's cause of failure, and
   * when it ended ({@link #takeDriverEnd}). State and platform ids stay the launcher's.
   */
  public void mergeDriverRecord(RunRecord driver) {
    synchronized (this) {
      startedAt = driver.startedAt != null ? driver.startedAt : startedAt;
      takeDriverEnd(driver);
      // the snapshots the driver read win over those computed before launch; inputs it did not record stay
      inputs.putAll(driver.inputs);
      outputs = driver.outputs;
      models = driver.models;
      metrics = driver.metrics;
      sparkAppId = driver.sparkAppId != null ? driver.sparkAppId : sparkAppId;
      sparkUiUrl = driver.sparkUiUrl;
      attempts = driver.attempts;
      accelerator = driver.accelerator;
      host = driver.host;
      if (driver.error != null) {
        error = driver.error;
      }
    }
  }

  /**
   * A driver that recorded its end sets the run's end: whoever observes the end later (a {@code runs list} long after
   * a detached run finished) must not stamp its own clock on it. A flavor that knows the platform's own end of the
   * job sets it after this merge; {@link #transition} stamps the observer's clock only when neither is known.
   */
  public synchronized void takeDriverEnd(RunRecord driver) {
    if (driver.state != null && driver.state.isFinal() && driver.endedAt != null) {
      endedAt = driver.endedAt;
    }
  }

  /** A deep copy, to change apart from this record. */
  public synchronized RunRecord snapshot() {
    return RunRecordJson.read(RunRecordJson.write(this));
  }

  /**
   * An immutable copy as the public view (what {@link io.sparkstep.api.StepRun#record()} returns): what its holder
   * reads does not change under it, and it cannot change this record.
   */
  public synchronized RunRecordView view() {
    return new RunRecordSnapshot(RunRecordJson.write(this));
  }

  /**
   * Takes every field of {@code other} (a record another process stored), from a deep copy so nothing is shared.
   * {@code RunRecordTest} fails when a field is added to the record and not here.
   */
  public synchronized void copyFrom(RunRecord other) {
    RunRecord copy = other.snapshot();
    runId = copy.runId;
    step = copy.step;
    operator = copy.operator;
    flavor = copy.flavor;
    state = copy.state;
    submittedAt = copy.submittedAt;
    startedAt = copy.startedAt;
    endedAt = copy.endedAt;
    durationMillis = copy.durationMillis;
    outputs = copy.outputs;
    models = copy.models;
    metrics = copy.metrics;
    sparkAppId = copy.sparkAppId;
    sparkUiUrl = copy.sparkUiUrl;
    sparkMaster = copy.sparkMaster;
    error = copy.error;
    attempts = copy.attempts;
    accelerator = copy.accelerator;
    platform = copy.platform;
    logUri = copy.logUri;
    host = copy.host;
    pipelineRun = copy.pipelineRun;
    pipelineStep = copy.pipelineStep;
    inputs = copy.inputs;
    cachedFrom = copy.cachedFrom;
    cache = copy.cache;
  }

  /** The platform took the run: its handle data (typed by the flavor) joins the record under the handle's keys. */
  public synchronized void platformHandle(PlatformHandle handle) {
    handle.entries().forEach((key, value) -> {
      if (value != null) {
        platform.put(key, value);
      }
    });
  }

  public void fail(Throwable cause) {
    error = ErrorInfo.of(cause);
  }

  /** One output of the run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class OutputInfo {
    public String uri;
    public String format;
    public Long rows;
    public boolean committed;
    /** What the run committed: a table's version or snapshot id, or this run's commit id. */
    public DataSnapshot snapshot;

    public OutputInfo() {
    }

    public OutputInfo(String uri, String format, Long rows, boolean committed) {
      this.uri = uri;
      this.format = format;
      this.rows = rows;
      this.committed = committed;
    }
  }

  /** One input of the run, as it was read. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class InputInfo {
    public String uri;
    public String format;
    public DataSnapshot snapshot;

    public InputInfo() {
    }

    public InputInfo(String uri, String format, DataSnapshot snapshot) {
      this.uri = uri;
      this.format = format;
      this.snapshot = snapshot;
    }
  }

  /** The step cache's verdict: the key it computed, whether it hit, and the reason (which part of the key changed). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class CacheInfo {
    /** hit, miss, or off (the run did not use the cache). */
    public String outcome;
    public String key;
    public String reason;

    public CacheInfo() {
    }

    public CacheInfo(String outcome, String key, String reason) {
      this.outcome = outcome;
      this.key = key;
      this.reason = reason;
    }
  }

  /** One model output of the run: a saved Spark ML model directory. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ModelInfo {
    public String uri;
    /** The class whose MLReadable loads it, as Spark ML stored it. */
    public String modelClass;
    /** The Spark version that saved it, as Spark ML stored it. */
    public String sparkVersion;
    public Long sizeBytes;
    public boolean committed;

    public ModelInfo() {
    }

    public ModelInfo(String uri, String modelClass, String sparkVersion, Long sizeBytes, boolean committed) {
      this.uri = uri;
      this.modelClass = modelClass;
      this.sparkVersion = sparkVersion;
      this.sizeBytes = sizeBytes;
      this.committed = committed;
    }
  }

  /** Why a run failed: the exception type, its message, the root cause and where it happened. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ErrorInfo {
    public String type;
    public String message;
    public String rootCause;
    public String stackTrace;

    public static ErrorInfo of(Throwable t) {
      ErrorInfo info = new ErrorInfo();
      info.type = t.getClass().getName();
      info.message = Redactor.scrub(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root != t) {
        info.rootCause = Redactor.scrub(root.getClass().getName() + ": " + root.getMessage());
      }
      java.io.StringWriter trace = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(trace));
      String text = Redactor.scrub(trace.toString());
      info.stackTrace = text.length() > 8000 ? text.substring(0, 8000) + "\n..." : text;
      return info;
    }

    public static ErrorInfo of(String type, String message) {
      ErrorInfo info = new ErrorInfo();
      info.type = type;
      info.message = Redactor.scrub(message);
      return info;
    }
  }

  /** One attempt of a run that may be retried. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Attempt {
    public int number;
    public Instant startedAt;
    public Instant endedAt;
    public RunState state;
    public String error;
    public String sparkAppId;

    public Attempt() {
    }

    public Attempt(int number) {
      this.number = number;
      this.startedAt = Instant.now();
    }
  }

  /** Which accelerator ran and how much of the plan it covered. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class AcceleratorInfo {
    public String name;
    /** run (the step ran accelerated) or explain (planned only, e.g. RAPIDS on a CPU). */
    public String mode;
    public Integer operatorsAccelerated;
    public Integer operatorsTotal;
    public Integer expressionsAccelerated;
    public Integer expressionsTotal;
    /** Each distinct operator that was not accelerated, with the reason. */
    public List<String> notAccelerated = new ArrayList<>();
    /** Every operator (and expression, where the accelerator reports them) of the executed plans, in plan order. */
    public List<PlanEntry> plan = new ArrayList<>();

    /** One operator or expression and whether the accelerator ran it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class PlanEntry {
      public String kind;
      public String name;
      public int depth;
      public boolean accelerated;
      public String reason;

      public PlanEntry() {
      }

      public PlanEntry(String kind, String name, int depth, boolean accelerated, String reason) {
        this.kind = kind;
        this.name = name;
        this.depth = depth;
        this.accelerated = accelerated;
        this.reason = reason;
      }
    }
  }
}
