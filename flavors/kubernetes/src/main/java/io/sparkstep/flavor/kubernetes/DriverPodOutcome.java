package io.sparkstep.flavor.kubernetes;

import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the kubernetes flavor learnt of its driver pod after the submission, beside the {@link DriverPod} handle: the
 * driver container's exit code, when a cancel was asked, when the run's resources were removed, and why the run
 * failed unschedulable (recorded before its pod is deleted, so whoever sees the pod gone knows why). Stored under
 * the keys kubernetes records have always had, so records written before load into it.
 */
record DriverPodOutcome(Integer exitCode, Instant cancelRequestedAt, Instant cleanedUpAt, String failedUnschedulable)
    implements PlatformHandle {
  static final String EXIT_CODE = "exitCode";
  static final String CANCEL_REQUESTED_AT = "cancelRequestedAt";
  static final String CLEANED_UP_AT = "cleanedUpAt";
  static final String FAILED_UNSCHEDULABLE = "failedUnschedulable";

  /** What the record says; a value it cannot read (hand-edited) counts as not known. */
  static DriverPodOutcome of(RunRecord record) {
    Map<String, String> platform = record.platform;
    return new DriverPodOutcome(integer(platform.get(EXIT_CODE)), instant(platform.get(CANCEL_REQUESTED_AT)),
        instant(platform.get(CLEANED_UP_AT)), platform.get(FAILED_UNSCHEDULABLE));
  }

  DriverPodOutcome exited(int code) {
    return new DriverPodOutcome(code, cancelRequestedAt, cleanedUpAt, failedUnschedulable);
  }

  DriverPodOutcome cancelRequested(Instant at) {
    return new DriverPodOutcome(exitCode, at, cleanedUpAt, failedUnschedulable);
  }

  DriverPodOutcome cleanedUp(Instant at) {
    return new DriverPodOutcome(exitCode, cancelRequestedAt, at, failedUnschedulable);
  }

  DriverPodOutcome unschedulable(String failure) {
    return new DriverPodOutcome(exitCode, cancelRequestedAt, cleanedUpAt, failure);
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(EXIT_CODE, exitCode == null ? null : exitCode.toString());
    entries.put(CANCEL_REQUESTED_AT, cancelRequestedAt == null ? null : cancelRequestedAt.toString());
    entries.put(CLEANED_UP_AT, cleanedUpAt == null ? null : cleanedUpAt.toString());
    entries.put(FAILED_UNSCHEDULABLE, failedUnschedulable);
    return entries;
  }

  private static Integer integer(String text) {
    try {
      return text == null ? null : Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
