package io.sparkstep.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SecretParamStep;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detached run of an {@code isolation=process} operator with a secret-looking parameter: the value reaches the
 * child through its environment, as literal conf secrets do, and is written nowhere, not even for the time until
 * some process observes the run.
 */
@Tag("slow")
class ProcessIsolationSecretsTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;

  @Test
  void aSecretParameterReachesTheChildByItsEnvironmentAndIsNeverWrittenDown() throws Exception {
    Path home = HOME.path();
    String token = "tok-" + UUID.randomUUID();
    CliCall register = CliCall.of("operator", "register", "p", "--flavor", "local", "--set", "isolation=process");
    assertEquals(0, register.code(), register.all());
    CliCall submit = CliCall.of("run", "--operator", "p", "--detach", "--step", SecretParamStep.class.getName(),
        "--param", "token=" + token);
    assertEquals(0, submit.code(), submit.all());
    String runId = submit.out().trim();
    Path driverRecord = new RunStore(home).recordFile(runId).resolveSibling("driver").resolve("record.json");

    // the child ended and nobody has observed it yet: whatever the run left on disk is all there will be
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!driverIsFinal(driverRecord)) {
      assertTrue(System.nanoTime() < deadline, "the detached step did not end:\n" + log(home, runId));
      Thread.sleep(200);
    }
    List<Path> holding = filesHolding(tmp, token);
    assertTrue(holding.isEmpty(), "the secret parameter was written to " + holding);

    CliCall status = CliCall.of("runs", "status", runId, "--json");
    RunRecord record = RunRecordJson.read(status.out());
    assertEquals(RunState.SUCCEEDED, record.state, () -> status.all() + log(home, runId));
    assertEquals(token.hashCode(), ((Number) record.metrics.get("tokenHash")).intValue(),
        "the step got the parameter's value");
    assertTrue(filesHolding(tmp, token).isEmpty(), "nor after the observer stored the end");
  }

  private static boolean driverIsFinal(Path record) {
    try {
      return Files.isRegularFile(record) && RunRecordJson.read(Files.readString(record)).state.isFinal();
    } catch (IOException | RuntimeException e) {
      return false; // being written
    }
  }

  private static List<Path> filesHolding(Path root, String value) throws IOException {
    byte[] needle = value.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(f -> contains(f, needle)).toList();
    }
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      return text.contains(new String(needle, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return false;
    }
  }

  private static String log(Path home, String runId) {
    try {
      return Files.readString(new RunStore(home).logFile(runId));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
