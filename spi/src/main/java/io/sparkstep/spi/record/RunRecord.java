package io.sparkstep.spi.record;

import io.sparkstep.spi.util.Redactor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import java.time.Duration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What happened to one run: state, timings, rows per output, Spark app id and UI, the error and its cause, each
 * attempt, the accelerator, and flavor-specific handle data (a driver pod, a job ARN) so a later CLI process can
 * reattach for status, logs and cancel. Never holds secrets. An immutable value, safe to share between threads: each
 * event below returns a new record made by the one {@link Builder}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(builder = RunRecord.Builder.class)
public final class RunRecord {
  public final String runId;
  public final String step;
  public final String operator;
  public final String flavor;
  public final RunState state;
  public final Instant submittedAt;
  public final Instant startedAt;
  public final Instant endedAt;
  public final Long durationMillis;
  /** What each input was when the run read it: its URI, format and snapshot (lineage and the step cache's key). */
  public final Map<String, InputInfo> inputs;
  public final Map<String, OutputInfo> outputs;
  /** Model outputs: where each fitted model was committed, its class, Spark version and size. */
  public final Map<String, ModelInfo> models;
  /** Metrics the step reported: a number, or a small map of numbers, per name. */
  public final Map<String, Object> metrics;
  public final String sparkAppId;
  public final String sparkUiUrl;
  public final String sparkMaster;
  public final ErrorInfo error;
  public final List<Attempt> attempts;
  public final AcceleratorInfo accelerator;
  /** Flavor-specific handle data: ids a flavor needs to find the run again. */
  public final Map<String, String> platform;
  /** Where the full logs are (a file, a pod, a log stream). */
  public final String logUri;
  public final String host;
  /** The pipeline run this run is a step of (absent for a run of its own), from the spec's label of that name. */
  public final String pipelineRun;
  /** The id of the pipeline step this run is, beside {@link #pipelineRun}. */
  public final String pipelineStep;
  /** A cached run: the id of the run whose committed outputs this run reuses (no Spark session started). */
  public final String cachedFrom;
  /** The step cache's verdict for this run: its key, hit or miss, and why. */
  public final CacheInfo cache;
  public static final String PIPELINE_RUN_LABEL = "sparkstep.pipelineRun";
  public static final String PIPELINE_STEP_LABEL = "sparkstep.pipelineStep";
  /** The spec label naming the pipeline a step run belongs to (OpenLineage's parent job). */
  public static final String PIPELINE_LABEL = "sparkstep.pipeline";
  /** Platform key: why the state is UNKNOWN (the platform's error); gone once the platform answers again. */
  public static final String UNREACHABLE = "unreachable";
  /** Platform key: why the platform holds the run back (unschedulable pod, image pull back-off), while it does. */
  public static final String WAITING = "waiting";

  /** A new run's record: submitted now. */
  public RunRecord(String runId, String step, String operator, String flavor) {
    this(builder().runId(runId).step(step).operator(operator).flavor(flavor).submittedAt(Instant.now()));
  }

  private RunRecord(Builder b) {
    runId = b.runId;
    step = b.step;
    operator = b.operator;
    flavor = b.flavor;
    state = b.state;
    submittedAt = b.submittedAt;
    startedAt = b.startedAt;
    endedAt = b.endedAt;
    durationMillis = b.durationMillis;
    inputs = frozen(b.inputs);
    outputs = frozen(b.outputs);
    models = frozen(b.models);
    metrics = frozen(b.metrics);
    sparkAppId = b.sparkAppId;
    sparkUiUrl = b.sparkUiUrl;
    sparkMaster = b.sparkMaster;
    error = b.error;
    attempts = frozen(b.attempts);
    accelerator = b.accelerator;
    platform = frozen(b.platform);
    logUri = b.logUri;
    host = b.host;
    pipelineRun = b.pipelineRun;
    pipelineStep = b.pipelineStep;
    cachedFrom = b.cachedFrom;
    cache = b.cache;
  }

  /** A record to build from nothing (as JSON reading does): state SUBMITTED, every map and list empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding everything this record holds: the one way to make a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** This record with one change: the events below are each one call of this. */
  private RunRecord with(Consumer<Builder> change) {
    Builder next = toBuilder();
    change.accept(next);
    return next.build();
  }

  /** An unmodifiable copy in the order given: whoever handed the collection in cannot change the record through it. */
  static <V> Map<String, V> frozen(Map<String, V> map) {
    return map == null || map.isEmpty() ? Collections.emptyMap()
        : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  static <V> List<V> frozen(List<V> list) {
    return list == null || list.isEmpty() ? Collections.emptyList()
        : Collections.unmodifiableList(new ArrayList<>(list));
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
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
      r.attempts.add(new Attempt(number, Instant.now(), null, null, null, r.sparkAppId));
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
      Attempt ended = new Attempt(last.number, last.startedAt, Instant.now(), state, error,
          r.sparkAppId != null ? r.sparkAppId : last.sparkAppId);
      r.attempts.set(r.attempts.size() - 1, ended);
    });
  }

  /** An attempt that ended before it began (a submission refused at once), as the platform reported it. */
  public RunRecord attemptRefused(int number, String error) {
    return with(r -> {
      Instant now = Instant.now();
      r.attempts.add(new Attempt(number, now, now, RunState.FAILED, error, null));
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
   * The public view (what {@link io.sparkstep.api.StepRun#record()} returns): what its holder reads does not change
   * under it, and it cannot change this record.
   */
  public RunRecordView view() {
    return new RunRecordSnapshot(RunRecordJson.write(this));
  }

  /**
   * Makes a record: JSON reading fills it field by field (an older record's missing fields keep the defaults, its
   * unknown ones are skipped), and every event starts from {@link #toBuilder()}. It copies what it is given, so the
   * record it builds shares no collection with anyone.
   */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Builder {
    private String runId;
    private String step;
    private String operator;
    private String flavor;
    private RunState state = RunState.SUBMITTED;
    private Instant submittedAt;
    private Instant startedAt;
    private Instant endedAt;
    private Long durationMillis;
    private Map<String, InputInfo> inputs = new LinkedHashMap<>();
    private Map<String, OutputInfo> outputs = new LinkedHashMap<>();
    private Map<String, ModelInfo> models = new LinkedHashMap<>();
    private Map<String, Object> metrics = new LinkedHashMap<>();
    private String sparkAppId;
    private String sparkUiUrl;
    private String sparkMaster;
    private ErrorInfo error;
    private List<Attempt> attempts = new ArrayList<>();
    private AcceleratorInfo accelerator;
    private Map<String, String> platform = new LinkedHashMap<>();
    private String logUri;
    private String host;
    private String pipelineRun;
    private String pipelineStep;
    private String cachedFrom;
    private CacheInfo cache;

    private Builder() {
    }

    private Builder(RunRecord from) {
      runId = from.runId;
      step = from.step;
      operator = from.operator;
      flavor = from.flavor;
      state = from.state;
      submittedAt = from.submittedAt;
      startedAt = from.startedAt;
      endedAt = from.endedAt;
      durationMillis = from.durationMillis;
      inputs(from.inputs);
      outputs(from.outputs);
      models(from.models);
      metrics(from.metrics);
      sparkAppId = from.sparkAppId;
      sparkUiUrl = from.sparkUiUrl;
      sparkMaster = from.sparkMaster;
      error = from.error;
      attempts(from.attempts);
      accelerator = from.accelerator;
      platform(from.platform);
      logUri = from.logUri;
      host = from.host;
      pipelineRun = from.pipelineRun;
      pipelineStep = from.pipelineStep;
      cachedFrom = from.cachedFrom;
      cache = from.cache;
    }

    public RunRecord build() {
      return new RunRecord(this);
    }

    public Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    public Builder step(String step) {
      this.step = step;
      return this;
    }

    public Builder operator(String operator) {
      this.operator = operator;
      return this;
    }

    public Builder flavor(String flavor) {
      this.flavor = flavor;
      return this;
    }

    public Builder state(RunState state) {
      this.state = state;
      return this;
    }

    public Builder submittedAt(Instant submittedAt) {
      this.submittedAt = submittedAt;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder endedAt(Instant endedAt) {
      this.endedAt = endedAt;
      return this;
    }

    public Builder durationMillis(Long durationMillis) {
      this.durationMillis = durationMillis;
      return this;
    }

    public Builder inputs(Map<String, InputInfo> inputs) {
      this.inputs = new LinkedHashMap<>(orEmpty(inputs));
      return this;
    }

    public Builder outputs(Map<String, OutputInfo> outputs) {
      this.outputs = new LinkedHashMap<>(orEmpty(outputs));
      return this;
    }

    public Builder models(Map<String, ModelInfo> models) {
      this.models = new LinkedHashMap<>(orEmpty(models));
      return this;
    }

    public Builder metrics(Map<String, Object> metrics) {
      this.metrics = new LinkedHashMap<>(orEmpty(metrics));
      return this;
    }

    public Builder sparkAppId(String sparkAppId) {
      this.sparkAppId = sparkAppId;
      return this;
    }

    public Builder sparkUiUrl(String sparkUiUrl) {
      this.sparkUiUrl = sparkUiUrl;
      return this;
    }

    public Builder sparkMaster(String sparkMaster) {
      this.sparkMaster = sparkMaster;
      return this;
    }

    public Builder error(ErrorInfo error) {
      this.error = error;
      return this;
    }

    public Builder attempts(List<Attempt> attempts) {
      this.attempts = attempts == null ? new ArrayList<>() : new ArrayList<>(attempts);
      return this;
    }

    public Builder accelerator(AcceleratorInfo accelerator) {
      this.accelerator = accelerator;
      return this;
    }

    public Builder platform(Map<String, String> platform) {
      this.platform = new LinkedHashMap<>(orEmpty(platform));
      return this;
    }

    public Builder logUri(String logUri) {
      this.logUri = logUri;
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder pipelineRun(String pipelineRun) {
      this.pipelineRun = pipelineRun;
      return this;
    }

    public Builder pipelineStep(String pipelineStep) {
      this.pipelineStep = pipelineStep;
      return this;
    }

    public Builder cachedFrom(String cachedFrom) {
      this.cachedFrom = cachedFrom;
      return this;
    }

    public Builder cache(CacheInfo cache) {
      this.cache = cache;
      return this;
    }
  }

  /** One output of the run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class OutputInfo {
    public final String uri;
    public final String format;
    public final Long rows;
    public final boolean committed;
    /** What the run committed: a table's version or snapshot id, or this run's commit id. */
    public final DataSnapshot snapshot;

    public OutputInfo(String uri, String format, Long rows, boolean committed) {
      this(uri, format, rows, committed, null);
    }

    @JsonCreator
    public OutputInfo(@JsonProperty("uri") String uri, @JsonProperty("format") String format,
        @JsonProperty("rows") Long rows, @JsonProperty("committed") boolean committed,
        @JsonProperty("snapshot") DataSnapshot snapshot) {
      this.uri = uri;
      this.format = format;
      this.rows = rows;
      this.committed = committed;
      this.snapshot = snapshot;
    }

    /** This output as committed at {@code snapshot}. */
    public OutputInfo withSnapshot(DataSnapshot snapshot) {
      return new OutputInfo(uri, format, rows, committed, snapshot);
    }
  }

  /** One input of the run, as it was read. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class InputInfo {
    public final String uri;
    public final String format;
    public final DataSnapshot snapshot;

    @JsonCreator
    public InputInfo(@JsonProperty("uri") String uri, @JsonProperty("format") String format,
        @JsonProperty("snapshot") DataSnapshot snapshot) {
      this.uri = uri;
      this.format = format;
      this.snapshot = snapshot;
    }
  }

  /** The step cache's verdict: the key it computed, whether it hit, and the reason (which part of the key changed). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class CacheInfo {
    /** hit, miss, off (the run did not use the cache), or raced (an identical run's entry won; this one recomputed). */
    public final String outcome;
    public final String key;
    public final String reason;

    @JsonCreator
    public CacheInfo(@JsonProperty("outcome") String outcome, @JsonProperty("key") String key,
        @JsonProperty("reason") String reason) {
      this.outcome = outcome;
      this.key = key;
      this.reason = reason;
    }
  }

  /** One model output of the run: a saved Spark ML model directory. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class ModelInfo {
    public final String uri;
    /** The class whose MLReadable loads it, as Spark ML stored it. */
    public final String modelClass;
    /** The Spark version that saved it, as Spark ML stored it. */
    public final String sparkVersion;
    public final Long sizeBytes;
    public final boolean committed;

    @JsonCreator
    public ModelInfo(@JsonProperty("uri") String uri, @JsonProperty("modelClass") String modelClass,
        @JsonProperty("sparkVersion") String sparkVersion, @JsonProperty("sizeBytes") Long sizeBytes,
        @JsonProperty("committed") boolean committed) {
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
  public static final class ErrorInfo {
    public final String type;
    public final String message;
    public final String rootCause;
    public final String stackTrace;

    @JsonCreator
    public ErrorInfo(@JsonProperty("type") String type, @JsonProperty("message") String message,
        @JsonProperty("rootCause") String rootCause, @JsonProperty("stackTrace") String stackTrace) {
      this.type = type;
      this.message = message;
      this.rootCause = rootCause;
      this.stackTrace = stackTrace;
    }

    public static ErrorInfo of(Throwable t) {
      String message = Redactor.scrub(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String rootCause = root == t ? null : Redactor.scrub(root.getClass().getName() + ": " + root.getMessage());
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      String text = Redactor.scrub(trace.toString());
      return new ErrorInfo(t.getClass().getName(), message, rootCause,
          text.length() > 8000 ? text.substring(0, 8000) + "\n..." : text);
    }

    /** This error with the root cause given (what the platform said, beside the step's own error). */
    public ErrorInfo withRootCause(String cause) {
      return new ErrorInfo(type, message, cause, stackTrace);
    }

    public static ErrorInfo of(String type, String message) {
      return new ErrorInfo(type, Redactor.scrub(message), null, null);
    }
  }

  /** One attempt of a run that may be retried. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Attempt {
    public final int number;
    public final Instant startedAt;
    public final Instant endedAt;
    public final RunState state;
    public final String error;
    public final String sparkAppId;

    @JsonCreator
    public Attempt(@JsonProperty("number") int number, @JsonProperty("startedAt") Instant startedAt,
        @JsonProperty("endedAt") Instant endedAt, @JsonProperty("state") RunState state,
        @JsonProperty("error") String error, @JsonProperty("sparkAppId") String sparkAppId) {
      this.number = number;
      this.startedAt = startedAt;
      this.endedAt = endedAt;
      this.state = state;
      this.error = error;
      this.sparkAppId = sparkAppId;
    }
  }

  /** Which accelerator ran and how much of the plan it covered. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class AcceleratorInfo {
    public final String name;
    /** run (the step ran accelerated) or explain (planned only, e.g. RAPIDS on a CPU). */
    public final String mode;
    public final Integer operatorsAccelerated;
    public final Integer operatorsTotal;
    public final Integer expressionsAccelerated;
    public final Integer expressionsTotal;
    /** Each distinct operator that was not accelerated, with the reason. */
    public final List<String> notAccelerated;
    /** Every operator (and expression, where the accelerator reports them) of the executed plans, in plan order. */
    public final List<PlanEntry> plan;

    @JsonCreator
    public AcceleratorInfo(@JsonProperty("name") String name, @JsonProperty("mode") String mode,
        @JsonProperty("operatorsAccelerated") Integer operatorsAccelerated,
        @JsonProperty("operatorsTotal") Integer operatorsTotal,
        @JsonProperty("expressionsAccelerated") Integer expressionsAccelerated,
        @JsonProperty("expressionsTotal") Integer expressionsTotal,
        @JsonProperty("notAccelerated") List<String> notAccelerated,
        @JsonProperty("plan") List<PlanEntry> plan) {
      this.name = name;
      this.mode = mode;
      this.operatorsAccelerated = operatorsAccelerated;
      this.operatorsTotal = operatorsTotal;
      this.expressionsAccelerated = expressionsAccelerated;
      this.expressionsTotal = expressionsTotal;
      this.notAccelerated = frozen(notAccelerated);
      this.plan = frozen(plan);
    }

    /** An accelerator named only: no plan was covered (none ran, or nothing was read yet). */
    public static AcceleratorInfo named(String name) {
      return new AcceleratorInfo(name, null, null, null, null, null, null, null);
    }

    /** One operator or expression and whether the accelerator ran it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class PlanEntry {
      public final String kind;
      public final String name;
      public final int depth;
      public final boolean accelerated;
      public final String reason;

      @JsonCreator
      public PlanEntry(@JsonProperty("kind") String kind, @JsonProperty("name") String name,
          @JsonProperty("depth") int depth, @JsonProperty("accelerated") boolean accelerated,
          @JsonProperty("reason") String reason) {
        this.kind = kind;
        this.name = name;
        this.depth = depth;
        this.accelerated = accelerated;
        this.reason = reason;
      }
    }
  }
}
