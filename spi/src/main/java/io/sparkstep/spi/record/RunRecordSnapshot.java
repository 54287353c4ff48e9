package io.sparkstep.spi.record;

import io.sparkstep.api.ErrorView;
import io.sparkstep.api.ModelView;
import io.sparkstep.api.OutputView;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable copy of a {@link RunRecord} as the public {@link RunRecordView}. It is made from the record's JSON
 * text and keeps that text, so {@link #toJson()} is exactly what the record file holds at that moment, and nothing
 * of the live record (its maps, its platform ids) is shared. Maps are unmodifiable copies that keep the record's
 * order (Map.copyOf would not), nested metric maps included.
 */
final class RunRecordSnapshot implements RunRecordView {
  private final String json;
  private final String runId;
  private final String step;
  private final String operator;
  private final String flavor;
  private final RunState state;
  private final Instant submittedAt;
  private final Instant startedAt;
  private final Instant endedAt;
  private final Duration duration;
  private final Map<String, OutputView> outputs;
  private final Map<String, ModelView> models;
  private final Map<String, Object> metrics;
  private final String sparkAppId;
  private final String sparkUiUrl;
  private final String logUri;
  private final String stateReason;
  private final String waitingReason;
  private final ErrorView error;

  RunRecordSnapshot(String json) {
    this.json = json;
    RunRecord copy = RunRecordJson.read(json);
    runId = copy.runId;
    step = copy.step;
    operator = copy.operator;
    flavor = copy.flavor;
    state = copy.state;
    submittedAt = copy.submittedAt;
    startedAt = copy.startedAt;
    endedAt = copy.endedAt;
    duration = copy.durationMillis == null ? null : Duration.ofMillis(copy.durationMillis);
    Map<String, OutputView> committedOutputs = new LinkedHashMap<>();
    orEmpty(copy.outputs).forEach((name, info) -> {
      if (info.committed) {
        committedOutputs.put(name, new OutputView(info.uri, info.rows, info.format));
      }
    });
    outputs = Collections.unmodifiableMap(committedOutputs);
    Map<String, ModelView> committedModels = new LinkedHashMap<>();
    orEmpty(copy.models).forEach((name, info) -> {
      if (info.committed) {
        committedModels.put(name, new ModelView(info.uri, info.modelClass, info.sparkVersion, info.sizeBytes));
      }
    });
    models = Collections.unmodifiableMap(committedModels);
    @SuppressWarnings("unchecked")
    Map<String, Object> frozenMetrics = (Map<String, Object>) frozen(orEmpty(copy.metrics));
    metrics = frozenMetrics;
    sparkAppId = copy.sparkAppId;
    sparkUiUrl = copy.sparkUiUrl;
    logUri = copy.logUri;
    Map<String, String> platform = copy.platform == null ? Map.of() : copy.platform;
    stateReason = platform.get(RunRecord.UNREACHABLE);
    waitingReason = state != null && state.isFinal() ? null : platform.get(RunRecord.WAITING);
    error = copy.error == null ? null
        : new ErrorView(copy.error.type, copy.error.message, copy.error.rootCause, copy.error.stackTrace);
  }

  /** Metric values as JSON read them (numbers, maps, lists), each map and list made unmodifiable. */
  private static Object frozen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((key, entry) -> copy.put(key, frozen(entry)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      return Collections.unmodifiableList(list.stream().map(RunRecordSnapshot::frozen).toList());
    }
    return value;
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
  }

  @Override
  public String toJson() {
    return json;
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String step() {
    return step;
  }

  @Override
  public String operator() {
    return operator;
  }

  @Override
  public String flavor() {
    return flavor;
  }

  @Override
  public RunState state() {
    return state;
  }

  @Override
  public Instant submittedAt() {
    return submittedAt;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public Instant endedAt() {
    return endedAt;
  }

  @Override
  public Duration duration() {
    return duration;
  }

  @Override
  public Map<String, OutputView> outputs() {
    return outputs;
  }

  @Override
  public Map<String, ModelView> models() {
    return models;
  }

  @Override
  public Map<String, Object> metrics() {
    return metrics;
  }

  @Override
  public String sparkAppId() {
    return sparkAppId;
  }

  @Override
  public String sparkUiUrl() {
    return sparkUiUrl;
  }

  @Override
  public String logUri() {
    return logUri;
  }

  @Override
  public String stateReason() {
    return stateReason;
  }

  @Override
  public String waitingReason() {
    return waitingReason;
  }

  @Override
  public ErrorView error() {
    return error;
  }

  @Override
  public String toString() {
    return "run " + runId + " " + state;
  }
}
