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
 * A {@link RunRecord} as the public {@link RunRecordView}: a thin adapter over a record of its own, read back from the
 * record's JSON text, so {@link #toJson()} is exactly what the record file holds at that moment and nothing of the
 * holder's record is shared. The views of outputs, models and metrics are built once, unmodifiable, in the record's
 * order (Map.copyOf would not keep it), nested metric maps included.
 */
final class RunRecordSnapshot implements RunRecordView {
  private final String json;
  private final RunRecord record;
  private final Map<String, OutputView> outputs;
  private final Map<String, ModelView> models;
  private final Map<String, Object> metrics;
  private final ErrorView error;

  RunRecordSnapshot(String json) {
    this.json = json;
    record = RunRecordJson.read(json);
    Map<String, OutputView> committedOutputs = new LinkedHashMap<>();
    orEmpty(record.outputs).forEach((name, info) -> {
      if (info.committed) {
        committedOutputs.put(name, new OutputView(info.uri, info.rows, info.format));
      }
    });
    outputs = Collections.unmodifiableMap(committedOutputs);
    Map<String, ModelView> committedModels = new LinkedHashMap<>();
    orEmpty(record.models).forEach((name, info) -> {
      if (info.committed) {
        committedModels.put(name, new ModelView(info.uri, info.modelClass, info.sparkVersion, info.sizeBytes));
      }
    });
    models = Collections.unmodifiableMap(committedModels);
    @SuppressWarnings("unchecked")
    Map<String, Object> frozenMetrics = (Map<String, Object>) frozen(orEmpty(record.metrics));
    metrics = frozenMetrics;
    error = record.error == null ? null
        : new ErrorView(record.error.type, record.error.message, record.error.rootCause, record.error.stackTrace);
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

  private String platform(String key) {
    return record.platform == null ? null : record.platform.get(key);
  }

  @Override
  public String toJson() {
    return json;
  }

  @Override
  public String runId() {
    return record.runId;
  }

  @Override
  public String step() {
    return record.step;
  }

  @Override
  public String operator() {
    return record.operator;
  }

  @Override
  public String flavor() {
    return record.flavor;
  }

  @Override
  public RunState state() {
    return record.state;
  }

  @Override
  public Instant submittedAt() {
    return record.submittedAt;
  }

  @Override
  public Instant startedAt() {
    return record.startedAt;
  }

  @Override
  public Instant endedAt() {
    return record.endedAt;
  }

  @Override
  public Duration duration() {
    return record.durationMillis == null ? null : Duration.ofMillis(record.durationMillis);
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
    return record.sparkAppId;
  }

  @Override
  public String sparkUiUrl() {
    return record.sparkUiUrl;
  }

  @Override
  public String logUri() {
    return record.logUri;
  }

  @Override
  public String stateReason() {
    return platform(RunRecord.UNREACHABLE);
  }

  @Override
  public String waitingReason() {
    return record.state != null && record.state.isFinal() ? null : platform(RunRecord.WAITING);
  }

  @Override
  public ErrorView error() {
    return error;
  }

  @Override
  public String toString() {
    return "run " + record.runId + " " + record.state;
  }
}
