package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.record.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Copies the new part of a cluster-mode driver's stderr and stdout from its worker's log page into the run log, whole
 * lines only, the offsets kept in the record. Only the submitting process copies (or a later one once it is gone),
 * so no line is copied twice.
 */
final class DriverLogPump {
  /** Pages read per stream and observation, so one chatty driver does not hold the scheduler's thread. */
  private static final int MAX_PAGES = 50;

  private final SparkSubmitRun run;

  DriverLogPump(SparkSubmitRun run) {
    this.run = run;
  }

  void pump(StandaloneMaster master, String worker, String driverId) {
    if (!run.owner() && SparkSubmitRun.alive(run.platform("submitterPid"))) {
      return;
    }
    RunRecord record = run.rec();
    try {
      Optional<String> workerUi = master.workerWebUi(worker);
      if (workerUi.isEmpty()) {
        return;
      }
      boolean changed = false;
      for (String type : new String[] {"stderr", "stdout"}) {
        String key = "driverLogOffset." + type;
        long offset = Long.parseLong(record.platform.getOrDefault(key, "0"));
        for (int i = 0; i < MAX_PAGES; i++) {
          Optional<StandaloneMaster.LogChunk> chunk = master.driverLog(workerUi.get(), driverId, type, offset);
          if (chunk.isEmpty() || chunk.get().nextOffset() <= offset) {
            break;
          }
          String text = chunk.get().text();
          // Whole lines only, so stdout and stderr lines never interleave mid-line.
          int lastNewline = text.lastIndexOf('\n');
          if (lastNewline < 0) {
            break;
          }
          String lines = text.substring(0, lastNewline + 1);
          run.append(lines);
          offset += lines.getBytes(StandardCharsets.UTF_8).length;
          record.platform.put(key, Long.toString(offset));
          changed = true;
        }
      }
      if (changed) {
        run.save();
      }
    } catch (IOException | RuntimeException e) {
      // the worker may be gone (its log with it); state still comes from the master
    }
  }
}
