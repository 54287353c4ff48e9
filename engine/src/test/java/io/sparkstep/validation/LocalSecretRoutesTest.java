package io.sparkstep.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.spi.util.Redactor;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One secret from the environment (${SPARKSTEP_TEST_SECRET}, set by surefire) and one literal secret given on the
 * command line, through every route on the local flavor, embedded and in a child JVM: operator conf, --conf, a
 * step that logs them, prints them and throws with them. Neither may show in any file under the home or the outputs,
 * in the CLI's output, in the run record (message, cause, stack) or on a child's command line.
 */
@Tag("slow")
class LocalSecretRoutesTest {
  static final String ENV_SECRET = System.getenv("SPARKSTEP_TEST_SECRET");
  final String literalSecret = "lit-" + UUID.randomUUID();
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;
  Path home;

  @BeforeEach
  void setUp() {
    assertTrue(ENV_SECRET != null && ENV_SECRET.length() > 8, "surefire sets SPARKSTEP_TEST_SECRET");
    home = HOME.path();
  }

  @Test
  void embeddedRun() throws Exception {
    assertEquals(0, CliCall.of("operator", "register", "embedded", "--flavor", "local",
        "--set", "conf.spark.hadoop.fs.s3a.secret.key=${SPARKSTEP_TEST_SECRET}").code());
    List<CliCall> calls = run("embedded", "e", List.of());
    assertNoSecret(calls, List.of());
  }

  @Test
  void childProcessRun() throws Exception {
    assertEquals(0, CliCall.of("operator", "register", "child", "--flavor", "local", "--set", "isolation=process",
        "--set", "driverMemory=600m", "--set", "conf.spark.hadoop.fs.s3a.secret.key=${SPARKSTEP_TEST_SECRET}").code());
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> ps = CompletableFuture.runAsync(() -> watchChildren(seen));
    List<CliCall> calls = run("child", "c", seen);
    ps.get(30, TimeUnit.SECONDS);
    assertFalse(seen.isEmpty(), "a child process was seen running");
    assertNoSecret(calls, seen);
  }

  private List<CliCall> run(String operator, String name, List<String> seen) throws IOException {
    List<CliCall> calls = new ArrayList<>();
    CliCall run = CliCall.of("run", "--operator", operator, "--step", "io.sparkstep.testing.SecretLeakingStep",
        "--param", "sleepMillis=" + ("child".equals(operator) ? 3000 : 0), "--run-id", "secret-" + name, "--logs",
        "--conf", "spark.sparkstep.test.password=" + literalSecret,
        "--output", "out=" + tmp.resolve("out-" + name));
    assertEquals(ExitCode.STEP_FAILED, run.code(), run.all());
    calls.add(run);
    RunRecord record = new RunStore(home).load("secret-" + name).orElseThrow();
    assertTrue(record.error.message.contains(Redactor.REDACTED), "the failure names a redacted value: "
        + record.error.message);
    assertTrue(record.error.rootCause.contains(Redactor.REDACTED), record.error.rootCause);
    String log = Files.readString(new RunStore(home).logFile("secret-" + name));
    assertTrue(log.contains("connecting with secret " + Redactor.REDACTED), "the step's log line is there, "
        + "scrubbed:\n" + log);
    calls.add(CliCall.of("runs", "status", "secret-" + name, "--json"));
    calls.add(CliCall.of("runs", "status", "secret-" + name));
    calls.add(CliCall.of("runs", "logs", "secret-" + name));
    calls.add(CliCall.of("operator", "describe", operator));
    calls.add(CliCall.of("--verbose", "runs", "list"));
    return calls;
  }

  private void watchChildren(List<String> seen) {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline && seen.isEmpty()) {
      ProcessHandle.current().descendants().forEach(p -> p.info().commandLine().ifPresent(seen::add));
      sleep(100);
    }
    for (int i = 0; i < 10; i++) {
      ProcessHandle.current().descendants().forEach(p -> p.info().commandLine().ifPresent(seen::add));
      // the child's private spec file, while the child runs
      try (Stream<Path> files = Files.walk(home)) {
        files.filter(f -> f.getFileName().toString().startsWith(".spec-")).forEach(f -> {
          try {
            seen.add("spec file " + f + ": " + Files.readString(f));
          } catch (IOException gone) {
            // deleted when the child ended
          }
        });
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // the home is being written to
      }
      sleep(200);
    }
  }

  private void assertNoSecret(List<CliCall> calls, List<String> commandLines) throws IOException {
    List<String> secrets = List.of(ENV_SECRET, literalSecret);
    for (CliCall call : calls) {
      for (String secret : secrets) {
        assertFalse(call.all().contains(secret), "secret in CLI output: " + call.all());
      }
    }
    for (String line : commandLines) {
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "secret on a child's command line or in its spec file: " + line);
      }
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
          assertFalse(text.contains(secret), "secret written to " + file);
        }
      }
    }
    // The child's private spec file goes when the child has exited (the final record may come a moment earlier).
    long deadline = System.currentTimeMillis() + 30_000;
    boolean specFileLeft = true;
    while (specFileLeft && System.currentTimeMillis() < deadline) {
      try (Stream<Path> files = Files.walk(home)) {
        specFileLeft = files.anyMatch(f -> f.getFileName().toString().startsWith(".spec-"));
      }
      if (specFileLeft) {
        sleep(100);
      }
    }
    assertFalse(specFileLeft, "the child's spec file is gone");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
