package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.RunScheduler;
import java.time.Duration;

/**
 * Stops a driver process as a cancel does: SIGTERM now, so its entrypoint can abort its outputs and record
 * CANCELLED; SIGKILL, to it and what it started, when it still lives after the grace. The kill is a task on the
 * {@link RunScheduler}, dropped the moment the process exits.
 */
final class ProcessReaper {
  private ProcessReaper() {
  }

  static void stop(ProcessHandle process, Duration grace) {
    process.destroy();
    RunScheduler.Scheduled kill = RunScheduler.shared().after(grace, () -> {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    });
    process.onExit().thenRun(kill::cancel);
  }
}
