package io.sparkstep.flavor.local;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.PlatformHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The process a local run lives in, the local flavor's handle data: its pid and its start time, so a pid the system
 * reused for another process after the run's died is not taken for the run. Stored as {@code pid} and
 * {@code pidStartedAt}, the keys local records have always had.
 */
record ProcessIdentity(long pid, Instant startedAt) implements PlatformHandle {
  static final String PID = "pid";
  static final String PID_STARTED_AT = "pidStartedAt";

  static ProcessIdentity of(ProcessHandle process) {
    return new ProcessIdentity(process.pid(), process.info().startInstant().orElse(null));
  }

  /** The process the record names; empty for a record of no process (an in-process run stored none). */
  static Optional<ProcessIdentity> of(RunRecord record) {
    String pid = record.platform.get(PID);
    String startedAt = record.platform.get(PID_STARTED_AT);
    return pid == null ? Optional.empty()
        : Optional.of(new ProcessIdentity(Long.parseLong(pid), startedAt == null ? null : Instant.parse(startedAt)));
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(PID, Long.toString(pid));
    entries.put(PID_STARTED_AT, startedAt == null ? null : startedAt.toString());
    return entries;
  }

  /** The run's record with this process as its handle. */
  static RunRecord recorded(RunRecord record, ProcessHandle process) {
    return record.platformHandle(of(process));
  }

  /** The run's process while it is alive; empty when it ended (or its pid now belongs to another process). */
  static Optional<ProcessHandle> find(RunRecord record) {
    return of(record).flatMap(ProcessIdentity::alive);
  }

  /** This process while it is alive, unless its pid now belongs to another one (started at another time). */
  Optional<ProcessHandle> alive() {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty() || startedAt == null) {
      return handle;
    }
    Optional<Instant> actual = handle.get().info().startInstant();
    if (actual.isPresent() && Duration.between(startedAt, actual.get()).abs().compareTo(Duration.ofSeconds(1)) > 0) {
      return Optional.empty();
    }
    return handle;
  }
}
