package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kubernetes handle data is typed, and stays under the platform keys older records have. */
class DriverPodOutcomeTest {
  private static final String OLDER_RECORD = """
      { "runId" : "k-1", "step" : "train", "flavor" : "kubernetes", "state" : "FAILED",
        "platform" : { "namespace" : "ml", "driverPod" : "k-1-driver", "image" : "sparkstep:1", "accelerator" : "none",
          "exitCode" : "137", "cancelRequestedAt" : "2026-01-01T00:00:00Z", "cleanedUpAt" : "2026-01-01T00:05:00Z",
          "failedUnschedulable" : "no node has a GPU" } }
      """;

  @Test
  void anOlderRecordsPlatformNotesReadAsTypedValues() {
    RunRecord record = RunRecordJson.read(OLDER_RECORD);

    assertEquals(new DriverPod("ml", "k-1-driver", "sparkstep:1", "none"), DriverPod.of(record, "default"));
    assertEquals(new DriverPodOutcome(137, Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:05:00Z"), "no node has a GPU"), DriverPodOutcome.of(record));
  }

  @Test
  void anEventWritesTheSameKeysAndKeepsWhatWasKnown() {
    RunRecord submitted = new RunRecord("k-2", "train", "op", "kubernetes")
        .platformHandle(new DriverPod("ml", "k-2-driver", "sparkstep:1", "comet"));
    RunRecord exited = submitted.platformHandle(DriverPodOutcome.of(submitted).exited(143));
    RunRecord cancelled = exited.platformHandle(DriverPodOutcome.of(exited)
        .cancelRequested(Instant.parse("2026-01-01T00:00:00Z")));

    assertEquals(Map.of("namespace", "ml", "driverPod", "k-2-driver", "image", "sparkstep:1", "accelerator", "comet",
        "exitCode", "143", "cancelRequestedAt", "2026-01-01T00:00:00Z"), cancelled.platform);
    assertNull(DriverPodOutcome.of(submitted).exitCode(), "the record it came from is unchanged");
    assertEquals(143, DriverPodOutcome.of(cancelled).exitCode());
  }

  @Test
  void aValueThatCannotBeReadCountsAsNotKnown() {
    RunRecord edited = new RunRecord("k-3", "train", "op", "kubernetes")
        .platformNote(DriverPodOutcome.EXIT_CODE, "not a number")
        .platformNote(DriverPodOutcome.CLEANED_UP_AT, "yesterday");
    assertNull(DriverPodOutcome.of(edited).exitCode());
    assertNull(DriverPodOutcome.of(edited).cleanedUpAt());
  }
}
