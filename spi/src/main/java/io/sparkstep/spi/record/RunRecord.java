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
import java.util.function.Consumer;

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
  /** The spec label naming the pipeline a step run belongs to (OpenLineage's parent job). */
  public static final String PIPELINE_LABEL = "sparkstep.pipeline";
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

  /** A copy to change: every field, collections copied so the new value shares none of them with this one. */
  private RunRecord(RunRecord from) {
    runId = from.runId;
    step = from.step;
    operator = from.operator;
    flavor = from.flavor;
    state = from.state;
    submittedAt = from.submittedAt;
    startedAt = from.startedAt;
    endedAt = from.endedAt;
    durationMillis = from.durationMillis;
    inputs = new LinkedHashMap<>(orEmpty(from.inputs));
    outputs = new LinkedHashMap<>(orEmpty(from.outputs));
    models = new LinkedHashMap<>(orEmpty(from.models));
    metrics = new LinkedHashMap<>(orEmpty(from.metrics));
    sparkAppId = from.sparkAppId;
    sparkUiUrl = from.sparkUiUrl;
    sparkMaster = from.sparkMaster;
    error = from.error;
    attempts = from.attempts == null ? new ArrayList<>() : new ArrayList<>(from.attempts);
    accelerator = from.accelerator;
    platform = new LinkedHashMap<>(orEmpty(from.platform));
    logUri = from.logUri;
    host = from.host;
    pipelineRun = from.pipelineRun;
    pipelineStep = from.pipelineStep;
    cachedFrom = from.cachedFrom;
    cache = from.cache;
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
  }

  /** This record with one change: the events below are each one call of this. */
  private RunRecord with(Consumer<RunRecord> change) {
    RunRecord next;
    synchronized (this) {
      next = new RunRecord(this);
    }
    change.accept(next);
    return next;
  }

  // ---- events: each returns a new record that differs from this one only in what the event names ----

  /** The spec named the pipeline run and step this run is part of (both may be null: a run of its own). */
  public RunRecord partOfPipeline(String pipelineRun, String pipelineStep) {
    return with(r -> {
      r.pipelineRun = pipelineRun;
      r.pipelineStep = pipelineStep;
    });
  }

  /** Where the run's full log is (a file, a pod, a log stream). */
  public RunRecord loggedAt(String logUri) {
    return with(r -> r.logUri = logUri);
  }

  /** The Spark master the run was sent to. */
  public RunRecord sentTo(String sparkMaster) {
    return with(r -> r.sparkMaster = sparkMaster);
  }

  /**
   * The step started in a Spark application: when (the platform's or the driver's own time; null keeps a start
   * already known), where, and the application's id and UI (a null id keeps the one known).
   */
  public RunRecord started(Instant at, String host, String sparkAppId, String sparkUiUrl) {
    return with(r -> {
      if (at != null) {
        r.startedAt = at;
      }
      r.host = host;
      if (sparkAppId != null) {
        r.sparkAppId = sparkAppId;
      }
      r.sparkUiUrl = sparkUiUrl;
    });
  }

  /** The platform's own start of the job, over a start stamped by whoever looked first (null: no change). */
  public RunRecord startedAt(Instant at) {
    return at == null ? this : with(r -> r.startedAt = at);
  }

  /** The Spark application's id, as the platform or the driver learnt it (null: none yet, a next attempt's). */
  public RunRecord sparkApp(String sparkAppId) {
    return with(r -> r.sparkAppId = sparkAppId);
  }

  /** The step read {@code name} as it was then (its snapshot keys the step cache and lineage). */
  public RunRecord inputRead(String name, InputInfo input) {
    return with(r -> r.inputs.put(name, input));
  }

  /** An output was written (staged, or committed when {@code output.committed}). */
  public RunRecord outputCommitted(String name, OutputInfo output) {
    return with(r -> r.outputs.put(name, output));
  }

  /** A model output was written (staged, or committed when {@code model.committed}). */
  public RunRecord modelCommitted(String name, ModelInfo model) {
    return with(r -> r.models.put(name, model));
  }

  /** The step reported a metric: a number, or a small map of numbers. */
  public RunRecord metric(String name, Object value) {
    return with(r -> r.metrics.put(name, value));
  }

  /** The metrics reported so far no longer count (a new attempt of the step reports its own). */
  public RunRecord metricsCleared() {
    return with(r -> r.metrics.clear());
  }

  /** Which accelerator ran and how much of the plan it covered. */
  public RunRecord accelerated(AcceleratorInfo accelerator) {
    return with(r -> r.accelerator = accelerator);
  }

  /** Attempt {@code number} started now, in the Spark application known so far. */
  public RunRecord attemptStarted(int number) {
    return with(r -> {
      Attempt attempt = new Attempt(number);
      attempt.sparkAppId = r.sparkAppId;
      r.attempts.add(attempt);
    });
  }

  /**
   * Attempt {@code number} ended now in {@code state} ({@code error} null unless it failed), in the Spark application
   * known by then. Only the last attempt, and only once: no such open attempt, no change.
   */
  public RunRecord attemptEnded(int number, RunState state, String error) {
    Attempt last = attempts == null || attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    if (last == null || last.number != number || last.state != null) {
      return this;
    }
    return with(r -> {
      Attempt ended = new Attempt();
      ended.number = last.number;
      ended.startedAt = last.startedAt;
      ended.endedAt = Instant.now();
      ended.state = state;
      ended.error = error;
      ended.sparkAppId = r.sparkAppId != null ? r.sparkAppId : last.sparkAppId;
      r.attempts.set(r.attempts.size() - 1, ended);
    });
  }

  /** An attempt that ended before it began (a submission refused at once), as the platform reported it. */
  public RunRecord attemptRefused(int number, String error) {
    return with(r -> {
      Attempt refused = new Attempt(number);
      refused.endedAt = refused.startedAt;
      refused.state = RunState.FAILED;
      refused.error = error;
      r.attempts.add(refused);
    });
  }

  /**
   * Why the run failed (null: it did not, after all). The state moves apart from this ({@link #moved}), as whoever
   * observes the end decides.
   */
  public RunRecord failed(ErrorInfo error) {
    return with(r -> r.error = error);
  }

  /** The platform took the run: its handle data (typed by the flavor) joins the record under the handle's keys. */
  public RunRecord platformHandle(PlatformHandle handle) {
    return with(r -> handle.entries().forEach((key, value) -> {
      if (value != null) {
        r.platform.put(key, value);
      }
    }));
  }

  /**
   * What the platform said of the run under its key (its own state, the reason it failed, when a cancel was asked);
   * a null value removes the key.
   */
  public RunRecord platformNote(String key, String value) {
    return with(r -> {
      if (value == null) {
        r.platform.remove(key);
      } else {
        r.platform.put(key, value);
      }
    });
  }

  /** Handle data under these keys no longer holds (an earlier attempt's process ids, a staged spec). */
  public RunRecord platformCleared(String... keys) {
    return with(r -> {
      for (String key : keys) {
        r.platform.remove(key);
      }
    });
  }

  /** The platform cannot be asked: why, until it answers again ({@link #reachable}). */
  public RunRecord unreachable(String reason) {
    return with(r -> r.platform.put(UNREACHABLE, reason == null ? "the platform did not answer" : reason));
  }

  /** The platform answered again: the reason it could not be asked is gone. */
  public RunRecord reachable() {
    return platform.containsKey(UNREACHABLE) ? platformCleared(UNREACHABLE) : this;
  }

  /** Why the platform holds the run back (unschedulable pod, image pull back-off); null: nothing holds it. */
  public RunRecord waiting(String reason) {
    return reason == null ? platformCleared(WAITING) : with(r -> r.platform.put(WAITING, reason));
  }

  /** The step cache's verdict for this run. */
  public RunRecord cacheVerdict(CacheInfo cache) {
    return with(r -> r.cache = cache);
  }

  /** The run reuses the committed outputs of run {@code runId} (no Spark session started). */
  public RunRecord cachedFrom(String runId) {
    return with(r -> r.cachedFrom = runId);
  }

  /**
   * Takes over what the driver's own record knows better than a launcher's: when the step started, its inputs, outputs and
   * rows, its models and metrics, the Spark application, attempts, accelerator, host, the step's cause of failure, and
   * when it ended ({@link #driverEndTaken}). State and platform ids stay the launcher's.
   */
  public RunRecord driverRecordMerged(RunRecord driver) {
    return driverEndTaken(driver).driverResultsTaken(driver).with(r -> {
      r.startedAt = driver.startedAt != null ? driver.startedAt : r.startedAt;
      r.sparkAppId = driver.sparkAppId != null ? driver.sparkAppId : r.sparkAppId;
      r.sparkUiUrl = driver.sparkUiUrl;
      r.attempts = driver.attempts == null ? new ArrayList<>() : new ArrayList<>(driver.attempts);
    });
  }

  /**
   * What only the driver knows: the outputs and rows, models and metrics it recorded, the accelerator's coverage, the
   * host, the cache verdict its publication gave, and the step's cause of failure when it has one.
   */
  public RunRecord driverResultsTaken(RunRecord driver) {
    return with(r -> {
      r.inputs = inputsMergedWith(driver);
      r.outputs = new LinkedHashMap<>(orEmpty(driver.outputs));
      r.models = new LinkedHashMap<>(orEmpty(driver.models));
      r.metrics = new LinkedHashMap<>(orEmpty(driver.metrics));
      r.accelerator = driver.accelerator;
      r.host = driver.host;
      if (driver.cache != null) {
        // the driver's verdict after its publication (raced): the launcher's, taken before the launch, otherwise
        r.cache = driver.cache;
      }
      if (driver.error != null) {
        r.error = driver.error;
      }
    });
  }

  /**
   * The inputs as the driver read them; a snapshot the launcher took before the launch (the step cache's) stays
   * where the driver has none of its own.
   */
  private Map<String, InputInfo> inputsMergedWith(RunRecord driver) {
    Map<String, InputInfo> merged = new LinkedHashMap<>(orEmpty(inputs));
    orEmpty(driver.inputs).forEach((name, read) -> {
      InputInfo launched = merged.get(name);
      if (launched != null && read.snapshot == null && launched.snapshot != null) {
        merged.put(name, new InputInfo(read.uri, read.format, launched.snapshot));
      } else {
        merged.put(name, read);
      }
    });
    return merged;
  }

  /**
   * A driver that recorded its end sets the run's end: whoever observes the end later (a {@code runs list} long after
   * a detached run finished) must not stamp its own clock on it. A flavor that knows the platform's own end of the
   * job sets it after this merge; {@link #moved} stamps the observer's clock only when neither is known.
   */
  public RunRecord driverEndTaken(RunRecord driver) {
    return with(r -> {
      if (driver.state != null && driver.state.isFinal() && driver.endedAt != null) {
        r.endedAt = driver.endedAt;
      }
    });
  }

  /**
   * The platform's own end of the job, stamped before the final state so it does not depend on who looked when
   * (null: not ended, as when a next attempt starts after the last one's end).
   */
  public RunRecord endedAt(Instant at) {
    return with(r -> r.endedAt = at);
  }

  /**
   * Moves to {@code next} unless already final; stamps start and end times that are not known yet (a flavor sets
   * them first from the platform's own times, so they do not depend on when some process happened to look). A final
   * record returns itself: final states are final.
   */
  public RunRecord moved(RunState next) {
    if (state != null && state.isFinal()) {
      return this;
    }
    return with(r -> {
      Instant now = Instant.now();
      if (next == RunState.RUNNING && r.startedAt == null) {
        r.startedAt = now;
      }
      if (next.isFinal()) {
        if (r.endedAt == null) {
          r.endedAt = now;
        }
        if (r.startedAt == null) {
          r.startedAt = r.submittedAt == null ? now : r.submittedAt;
        }
        r.durationMillis = Duration.between(r.startedAt, r.endedAt).toMillis();
      }
      r.state = next;
    });
  }

  /** The run ended in {@code state} at {@code at} (a time already known wins: the end is stamped once). */
  public RunRecord ended(RunState state, Instant at) {
    RunRecord stamped = endedAt == null && at != null ? endedAt(at) : this;
    return stamped.moved(state);
  }

  /**
   * Moves to {@code next} in place. Kept while writers move to the events above; a holder of a shared record uses
   * {@link #moved} through its reference instead.
   */
  public synchronized boolean transition(RunState next) {
    if (state != null && state.isFinal()) {
      return false;
    }
    RunRecord moved = moved(next);
    boolean changed = state != next;
    state = moved.state;
    startedAt = moved.startedAt;
    endedAt = moved.endedAt;
    durationMillis = moved.durationMillis;
    return changed;
  }

  /**
   * The public view (what {@link io.sparkstep.api.StepRun#record()} returns): what its holder reads does not change
   * under it, and it cannot change this record.
   */
  public synchronized RunRecordView view() {
    return new RunRecordSnapshot(RunRecordJson.write(this));
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
    /** hit, miss, off (the run did not use the cache), or raced (an identical run's entry won; this one recomputed). */
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

    /** This error with the root cause given (what the platform said, beside the step's own error). */
    public ErrorInfo withRootCause(String cause) {
      ErrorInfo info = new ErrorInfo();
      info.type = type;
      info.message = message;
      info.rootCause = cause;
      info.stackTrace = stackTrace;
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
