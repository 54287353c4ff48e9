package io.sparkstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * One secret through every route a remote flavor has, for the flavors' secret tests (each with its own platform
 * stand-in): a literal secret in {@code --conf} (refused before anything is submitted), the secret by reference
 * ({@code ${SPARKSTEP_TEST_SECRET}}, resolved where the driver runs) in operator or run conf, read by
 * {@link SecretLeakingStep} which logs, prints and throws it, and the container's log copied back. Then the value
 * must be in no file under the given roots, no CLI output, no command line of a process this JVM started, and none of
 * the stand-in's stored requests.
 */
public final class SecretRoutes implements AutoCloseable {
  public static final String ENV_NAME = "SPARKSTEP_TEST_SECRET";
  public static final String REFERENCE = "${" + ENV_NAME + "}";
  public final String secret = System.getenv(ENV_NAME);
  public final String literal = "lit-" + UUID.randomUUID();
  private final Path home;
  private final List<CliCall> calls = new ArrayList<>();
  private final List<String> outputs = new CopyOnWriteArrayList<>();
  private final List<String> commandLines = new CopyOnWriteArrayList<>();
  private final Thread watcher;
  private volatile boolean watching = true;

  /** Starts watching this JVM's child processes' command lines (a stand-in's "containers"). */
  public SecretRoutes(Path home) {
    assertTrue(secret != null && secret.length() > 8, "surefire sets " + ENV_NAME);
    this.home = home;
    watcher = new Thread(() -> {
      while (watching) {
        ProcessHandle.current().descendants().forEach(p -> p.info().commandLine().ifPresent(commandLines::add));
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "secret-routes-ps");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** A literal secret in a run's Spark conf: refused in one line, exit 2, without echoing the value. */
  public CliCall literalConfIsRefused(String operator, String outputUri) {
    CliCall run = CliCall.of("run", "--operator", operator, "--step", SecretLeakingStep.class.getName(),
        "--conf", "spark.hadoop.fs.s3a.secret.key=" + literal, "--output", "out=" + outputUri);
    calls.add(run);
    assertEquals(ExitCode.INVALID_INPUT, run.code(), run.all());
    assertTrue(run.err().contains("sparkConf.spark.hadoop.fs.s3a.secret.key"), run.err());
    return run;
  }

  /**
   * Runs {@link SecretLeakingStep} reading {@code confKey}, which the operator or {@code extraArgs} set to the
   * secret by reference: the step fails with the secret in its exception; the record and (where the flavor copies
   * the container's log back) the run's log hold it redacted, and the log shows the step really read it.
   */
  public RunRecord runLeakingStep(String operator, String runId, String confKey, String outputUri,
                                  boolean logCopiedBack, String... extraArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "--operator", operator, "--step",
        SecretLeakingStep.class.getName(), "--run-id", runId, "--param", "confKey=" + confKey, "--logs",
        "--output", "out=" + outputUri));
    args.addAll(List.of(extraArgs));
    CliCall run = CliCall.of(args.toArray(new String[0]));
    calls.add(run);
    assertEquals(ExitCode.STEP_FAILED, run.code(), run.all());
    RunStore store = new RunStore(home);
    RunRecord record = store.load(runId).orElseThrow();
    assertTrue(record.error != null && record.error.message.contains(Redactor.REDACTED),
        "the step's exception is in the record, redacted: " + (record.error == null ? null : record.error.message));
    if (logCopiedBack) {
      assertStepReadTheSecret(Files.readString(store.logFile(runId)));
    }
    calls.add(CliCall.of("runs", "status", runId, "--json"));
    calls.add(CliCall.of("runs", "status", runId));
    calls.add(CliCall.of("runs", "logs", runId));
    calls.add(CliCall.of("operator", "describe", operator));
    calls.add(CliCall.of("--verbose", "runs", "list"));
    return record;
  }

  /** What some other route printed (a fresh CLI process, a log stream): checked by {@link #assertNowhere}. */
  public void saw(String output) {
    outputs.add(output);
  }

  /** The step's log line is in {@code log}, scrubbed: the container resolved the reference. */
  public static void assertStepReadTheSecret(String log) {
    assertTrue(log.contains("connecting with secret " + Redactor.REDACTED),
        "the container resolved the reference and its log is scrubbed:\n" + log);
  }

  /**
   * Neither the secret nor the literal in any file under {@code roots}, CLI output, command line or stored text.
   * {@code afterARun} also asks that the scan saw a run's records, specs, logs and outputs, so a scan that found
   * nothing to read cannot pass for a clean one.
   */
  public void assertNowhere(List<Path> roots, Map<String, String> stored, boolean afterARun) throws IOException {
    List<String> values = List.of(secret, literal);
    List<String> printed = new ArrayList<>(outputs);
    calls.forEach(call -> printed.add(call.all()));
    for (String output : printed) {
      for (String value : values) {
        assertFalse(output.contains(value), "secret in CLI output: " + output);
      }
    }
    for (String line : commandLines) {
      for (String value : values) {
        assertFalse(line.contains(value), "secret on a command line: " + line);
      }
    }
    stored.forEach((what, text) -> values.forEach(value ->
        assertFalse(text.contains(value), "secret in the stand-in's " + what + ": " + text)));
    int checked = 0;
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          checked++;
          for (String value : values) {
            assertFalse(text.contains(value), "secret written to " + file);
          }
        }
      }
    }
    if (afterARun) {
      assertTrue(checked > 5, "records, specs, logs and outputs were checked: " + checked);
    }
  }

  @Override
  public void close() {
    watching = false;
    watcher.interrupt();
  }
}
