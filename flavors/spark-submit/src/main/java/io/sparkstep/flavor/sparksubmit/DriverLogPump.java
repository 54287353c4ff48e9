package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.remote.RunLogAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Copies the new part of a cluster-mode driver's stderr and stdout from its worker's log page into the run log
 * through the SPI's appender: scrubbed of the run's secrets, its cursor (a byte offset per driver and stream)
 * persisted next to the log and the copy locked, so no line is copied twice whichever processes follow the run.
 */
final class DriverLogPump {
  private static final String[] STREAMS = {"stderr", "stdout"};

  private final RunLogAppender log;

  DriverLogPump(SparkSubmitRun run) {
    this.log = RunLogAppender.of(run.context());
  }

  void pump(StandaloneMaster master, String worker, String driverId) {
    try {
      Optional<String> workerUi = master.workerWebUi(worker);
      if (workerUi.isEmpty()) {
        return;
      }
      log.copy(cursor -> {
        for (String type : STREAMS) {
          // per driver: a retried attempt's driver has a log of its own, read from its start
          String key = driverId + "." + type;
          long offset = Long.parseLong(cursor.getOrDefault(key, "0"));
          Optional<StandaloneMaster.LogChunk> chunk = master.driverLog(workerUi.get(), driverId, type, offset);
          if (chunk.isEmpty() || chunk.get().nextOffset() <= offset) {
            continue;
          }
          String text = chunk.get().text();
          // Whole lines only, so stdout and stderr lines never interleave mid-line.
          int lastNewline = text.lastIndexOf('\n');
          if (lastNewline < 0) {
            continue;
          }
          String whole = text.substring(0, lastNewline + 1);
          Map<String, String> next = new TreeMap<>(cursor);
          next.put(key, Long.toString(offset + whole.getBytes(StandardCharsets.UTF_8).length));
          return RunLogAppender.Page.of(whole.lines().toList(), next);
        }
        return RunLogAppender.Page.of(List.of(), cursor);
      });
    } catch (IOException | RuntimeException e) {
      // the worker may be gone (its log with it); state still comes from the master
    }
  }
}
