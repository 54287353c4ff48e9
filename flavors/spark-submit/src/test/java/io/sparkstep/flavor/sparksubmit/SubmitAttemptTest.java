package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spark-submit handle data: read from the keys records have always had, written back under the same ones. */
class SubmitAttemptTest {
  /** The platform object as the previous version wrote it for a standalone cluster-mode run on its second attempt. */
  private static final String PREVIOUS = """
      {
        "runId" : "older-run",
        "step" : "train",
        "state" : "RUNNING",
        "platform" : {
          "submitterPid" : "4000",
          "attempt" : "2",
          "deployMode" : "cluster",
          "driverRunDir" : "file:/home/runs/older-run/driver/attempt-2/",
          "attemptLogOffset" : "1234",
          "specUri" : "file:/staging/older-run/spec.json",
          "submitPid" : "4242",
          "driverId" : "driver-20260301100003-0000",
          "driverWorker" : "worker-1",
          "unreachable" : "the master did not answer"
        }
      }
      """;

  @Test
  void aRecordThePreviousVersionWroteReadsIntoEveryField() {
    SubmitAttempt attempt = SubmitAttempt.from(RunRecordJson.read(PREVIOUS));

    assertEquals(new SubmitAttempt(2, "cluster", "file:/home/runs/older-run/driver/attempt-2/", 1234L, 4242L, null,
        4000L, "driver-20260301100003-0000", "worker-1", "file:/staging/older-run/spec.json"), attempt);
  }

  @Test
  void writtenBackItKeepsTheKeysAndLeavesOtherPlatformDataAlone() {
    RunRecord record = RunRecordJson.read(PREVIOUS);

    RunRecord written = SubmitAttempt.from(record).into(record);

    assertEquals(record.platform, written.platform);
    assertEquals(SubmitAttempt.from(record), SubmitAttempt.from(written));
  }

  @Test
  void theNextAttemptForgetsTheLastOnesProcessesDriverAndSpecButNotItsSubmitter() {
    RunRecord record = RunRecordJson.read(PREVIOUS);

    RunRecord next = SubmitAttempt.from(record).next(3, "cluster", "file:/home/runs/older-run/driver/attempt-3/", 2000)
        .into(record);

    assertEquals(Map.of("submitterPid", "4000", "attempt", "3", "deployMode", "cluster",
        "driverRunDir", "file:/home/runs/older-run/driver/attempt-3/", "attemptLogOffset", "2000",
        "unreachable", "the master did not answer"), next.platform);
    assertNull(SubmitAttempt.from(next).driverId());
  }

  @Test
  void aRecordOfNoAttemptYetReadsAsTheFirstWithNothingKnown() {
    SubmitAttempt attempt = SubmitAttempt.from(new RunRecord("new-run", "train", "op", "spark-submit"));

    assertEquals(1, attempt.number());
    assertEquals(0L, attempt.logOffset());
    assertNull(attempt.driverPid());
    assertNull(attempt.deployMode());
  }
}
