package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.CopyStep;
import io.sparkstep.spi.util.SparkstepHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver that never starts is submitted again after the backoff, on the run scheduler, until the attempts are
 * spent; each attempt is recorded and the run fails with the last one's cause. The driver cannot start because its
 * application jar holds no entrypoint (spark-submit exits before any step code runs), in client mode on a local
 * master, so no cluster is needed.
 */
@Tag("slow")
class SubmissionRetryTest {
  @TempDir
  Path data;

  @Test
  void aDriverThatNeverStartsIsSubmittedAgainUntilTheAttemptsAreSpent() throws Exception {
    Path home = SparkstepHome.resolve();
    Path noEntrypoint = data.resolve("no-entrypoint.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(noEntrypoint))) {
      jar.putNextEntry(new JarEntry("README.txt"));
    }
    new OperatorStore(home, new FlavorRegistry()).register("retry-local", SparkSubmitFlavor.NAME, Map.of(
        "master", "local[1]", "deployMode", "client", "maxAttempts", "2", "backoffMillis", "300",
        "jars", testStepsJar().toString(), "applicationJar", noEntrypoint.toString()), true);
    Path out = data.resolve("trips");
    StepRun run = Sparkstep.operator("retry-local", home).step("generate-trips")
        .output("trips", out.toUri().toString()).output("zones", data.resolve("zones").toUri().toString()).submit();

    assertEquals(RunState.FAILED, run.await(Duration.ofSeconds(120)));
    RunRecord record = new RunStore(home).load(run.id()).orElseThrow();
    String log = Files.readString(new RunStore(home).logFile(run.id()));
    assertEquals(2, record.attempts.size(), log);
    assertTrue(record.attempts.stream().allMatch(a -> a.state == RunState.FAILED && a.endedAt != null), log);
    assertTrue(log.contains("attempt 1 of 2 failed before the step started"), log);
    assertTrue(log.contains("submitting again in 300 ms"), log);
    assertTrue(log.contains("sparkstep: attempt 2: spark-submit"), log);
    assertFalse(log.contains("attempt 3"), log);
    assertTrue(record.error.message.contains("without a final record"), record.error.message);
    Duration backoff = Duration.between(record.attempts.get(0).endedAt, record.attempts.get(1).startedAt);
    assertTrue(backoff.toMillis() >= 300, "attempt 2 came " + backoff + " after attempt 1 ended");
    assertTrue(record.outputs.isEmpty(), "the step never started: " + record.outputs);
    assertFalse(Files.exists(out));
  }

  private static Path testStepsJar() {
    try {
      return Paths.get(CopyStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
