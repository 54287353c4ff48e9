package io.sparkstep.api;

import java.time.Instant;
import java.util.Map;

/**
 * Read-only view of a run record, for users of {@link StepRun}: everything the CLI prints. What
 * {@link StepRun#record()} returns is a snapshot; it does not change when the run does.
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

  /** Rows written per output name (only outputs committed by a successful run). */
  Map<String, Long> rowsWritten();

  /** Metrics the step reported: a number, or a small map of numbers, per name. */
  Map<String, Object> metrics();

  /** URI per model output (only models committed by a successful run). */
  Map<String, String> modelsWritten();

  String sparkAppId();

  String sparkUiUrl();

  /** Where each committed output was written, by output name. */
  Map<String, String> outputUris();

  /** Where the run's full log is. */
  String logUri();

  /** Why the state is {@link RunState#UNKNOWN} (the platform's error), or null. */
  String stateReason();

  /** One line saying why the run failed, or null. */
  String errorMessage();
}
