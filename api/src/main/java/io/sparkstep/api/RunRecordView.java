package io.sparkstep.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Read-only view of a run record, for users of {@link StepRun}: everything the CLI prints. What
 * {@link StepRun#record()} returns is an immutable snapshot: it does not change when the run does, and none of its
 * maps can be changed.
 */
public interface RunRecordView {
  String runId();

  String step();

  String operator();

  String flavor();

  RunState state();

  Instant submittedAt();

  Instant startedAt();

  Instant endedAt();

  /** How long the run took from start to end, or null until it is final. */
  Duration duration();

  /** The outputs committed by a successful run, by output name, in the step's order. */
  Map<String, OutputView> outputs();

  /** The models committed by a successful run, by output name, in the step's order. */
  Map<String, ModelView> models();

  /** Metrics the step reported: a number, or a small map of numbers, per name, in the order reported. */
  Map<String, Object> metrics();

  String sparkAppId();

  String sparkUiUrl();

  /** Where the run's full log is. */
  String logUri();

  /** Why the state is {@link RunState#UNKNOWN} (the platform's error), or null. */
  String stateReason();

  /**
   * Why a run that is not final has not started (a pod no node takes, an image that cannot be pulled), as its
   * flavor saw it; null when nothing holds it up or once it is final.
   */
  String waitingReason();

  /** Why the run failed, or null. */
  ErrorView error();

  /** The whole record as JSON, as the run's record file has it (secrets scrubbed), at the moment of this snapshot. */
  String toJson();

  /** Rows written per committed output. */
  default Map<String, Long> rowsWritten() {
    return byName(outputs(), OutputView::rows);
  }

  /** Where each committed output was written, by output name. */
  default Map<String, String> outputUris() {
    return byName(outputs(), OutputView::uri);
  }

  /** URI per committed model. */
  default Map<String, String> modelsWritten() {
    return byName(models(), ModelView::uri);
  }

  /** One line saying why the run failed, or null. */
  default String errorMessage() {
    return error() == null ? null : error().message();
  }

  private static <V, T> Map<String, T> byName(Map<String, V> entries, Function<V, T> field) {
    // not Map.copyOf: that loses the order, and a row count may be null
    Map<String, T> values = new LinkedHashMap<>();
    entries.forEach((name, entry) -> values.put(name, field.apply(entry)));
    return Collections.unmodifiableMap(values);
  }
}
