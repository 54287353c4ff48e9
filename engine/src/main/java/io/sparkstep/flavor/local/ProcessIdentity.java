package io.sparkstep.flavor.local;

import io.sparkstep.spi.record.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The process a local run lives in, as a record names it: its pid and its start time, so a pid the system reused for
 * another process after the run's died is not taken for the run.
 */
final class ProcessIdentity {
  static final String PID = "pid";
  static final String PID_STARTED_AT = "pidStartedAt";

  private ProcessIdentity() {
  }

  static void record(RunRecord record, ProcessHandle process) {
    synchronized (record) {
      record.platform.put(PID, Long.toString(process.pid()));
      process.info().startInstant().ifPresent(at -> record.platform.put(PID_STARTED_AT, at.toString()));
    }
  }

  /** The run's process while it is alive; empty when it ended (or its pid now belongs to another process). */
  static Optional<ProcessHandle> find(RunRecord record) {
    String pid = record.platform.get(PID);
    if (pid == null) {
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    String startedAt = record.platform.get(PID_STARTED_AT);
    if (handle.isEmpty() || startedAt == null) {
      return handle;
    }
    Optional<Instant> actual = handle.get().info().startInstant();
    if (actual.isPresent()
        && Duration.between(Instant.parse(startedAt), actual.get()).abs().compareTo(Duration.ofSeconds(1)) > 0) {
      return Optional.empty();
    }
    return handle;
  }
}
