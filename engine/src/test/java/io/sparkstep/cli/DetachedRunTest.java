package io.sparkstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.testing.CliCall;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detached local run lives in its own JVM running the entrypoint; later CLI calls follow and cancel it through the
 * run record, as a user would from another terminal.
 */
@Tag("slow")
class DetachedRunTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;

  private static String[] run(String... args) {
    CliCall call = CliCall.of(args);
    return new String[] {Integer.toString(call.code()), call.out(), call.err()};
  }

  @Test
  void detachedRunCanBeFollowedAndCancelled() throws Exception {
    Path home = HOME.path();
    Path out = tmp.resolve("slow");
    String[] submitted = run("run", "--detach", "--step", "io.sparkstep.testing.SlowStep", "--param", "seconds=120",
        "--output", "out=" + out.toUri());
    assertEquals("0", submitted[0], submitted[1] + submitted[2]);
    String runId = submitted[1].trim();
    RunStore store = new RunStore(home);
    long pid = Long.parseLong(store.load(runId).orElseThrow().platform.get("pid"));
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the step runs in its own JVM");

    long deadline = System.currentTimeMillis() + 90_000;
    String state = "";
    while (!state.contains("RUNNING") && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      state = run("runs", "status", runId)[1];
    }
    assertTrue(state.contains("RUNNING"), state);
    String logs = "";
    while (!logs.contains("slow step: tasks sleep") && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      logs = run("runs", "logs", runId)[1];
    }
    assertTrue(logs.contains("slow step: tasks sleep"), "the step's own log line is in the run's log: " + logs);

    String[] cancelled = run("runs", "cancel", runId);
    assertEquals("0", cancelled[0], cancelled[1] + cancelled[2]);
    assertTrue(cancelled[1].contains("CANCELLED"), cancelled[1]);
    RunRecord record = store.load(runId).orElseThrow();
    assertEquals(RunState.CANCELLED, record.state);
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "no process left behind");
    assertFalse(Files.exists(out), "nothing committed");
    awaitSettled(home.resolve("runs").resolve(runId));
  }

  /**
   * The {@code run --detach} call ran in this JVM, so its handle is still here and records the child's exit from a
   * background thread (a real CLI process would have exited). Wait for that last write before the temp dir goes.
   */
  private static void awaitSettled(Path runDir) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    String before = listing(runDir);
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(1_000);
      String now = listing(runDir);
      if (now.equals(before) && !now.contains(".spec-")) {
        return;
      }
      before = now;
    }
  }

  private static String listing(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.map(f -> f + ":" + f.toFile().lastModified() + ":" + f.toFile().length()).sorted()
          .reduce("", (a, b) -> a + "\n" + b);
    }
  }
}
