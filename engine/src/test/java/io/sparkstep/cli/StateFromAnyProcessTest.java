package io.sparkstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.spi.util.JavaCommand;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local run whose submitting CLI process is gone (killed with SIGKILL, or its detached child signalled) reaches its
 * true final state through any later {@code runs list} / {@code runs status}, which ask the process table and store
 * what they learn. (A detached run followed only by later processes is {@link io.sparkstep.local.LocalContractTest}'s.) The submitting CLI is a separate JVM, as a user's would be.
 */
@Tag("slow")
class StateFromAnyProcessTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    started.forEach(Process::destroyForcibly);
  }

  private Path home() {
    return HOME.path();
  }

  /** The CLI in a JVM of its own, with this test's class path. */
  private Process cli(Path home, Path log, String... args) throws Exception {
    List<String> jvmFlags = new ArrayList<>(List.of("-Xmx512m", "-Dsparkstep.home=" + home,
        "-Dspark.ui.enabled=false"));
    List<String> command = JavaCommand.forMainClass(SparkstepCli.class.getName(), jvmFlags);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    started.add(process);
    return process;
  }

  private static void eventually(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
      Thread.sleep(300);
    }
  }

  @Test
  void foregroundRunKilledWithSigkillIsFailedByRunsList() throws Exception {
    Path home = home();
    Path log = tmp.resolve("foreground.log");
    Process foreground = cli(home, log, "run", "--step", "io.sparkstep.testing.SlowStep", "--param", "seconds=120",
        "--output", "out=" + tmp.resolve("slow").toUri());
    RunStore store = new RunStore(home);
    eventually("the run is RUNNING", 120, () -> store.list().stream().anyMatch(r -> r.state == RunState.RUNNING));
    String runId = store.list().get(0).runId;
    foreground.destroyForcibly(); // SIGKILL: no shutdown hook, nothing recorded by the dying process
    assertTrue(foreground.waitFor(30, TimeUnit.SECONDS));
    assertEquals(RunState.RUNNING, store.load(runId).orElseThrow().state, "the killed process left RUNNING behind");

    CliCall list = CliCall.of("runs", "list");
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith(runId) && l.contains("FAILED")), list.all());
    RunRecord stored = store.load(runId).orElseThrow();
    assertEquals(RunState.FAILED, stored.state);
    assertTrue(stored.error.message.contains("ended without a final record"), stored.error.message);
    assertFalse(Files.exists(tmp.resolve("slow")), "nothing committed");
  }

  @Test
  void sigtermToADetachedChildASecondAfterStartIsCancelledNotFailed() throws Exception {
    Path home = home();
    Path log = tmp.resolve("detach.log");
    Path out = tmp.resolve("slow");
    Process submit = cli(home, log, "run", "--detach", "--step", "io.sparkstep.testing.SlowStep",
        "--param", "seconds=120", "--output", "out=" + out.toUri());
    assertTrue(submit.waitFor(60, TimeUnit.SECONDS), "run --detach returns");
    assertEquals(0, submit.exitValue(), Files.readString(log));
    String runId = Files.readAllLines(log).stream().filter(l -> l.matches("\\d{8}-\\d{6}-[0-9a-f]{6}")).findFirst()
        .orElseThrow(() -> new AssertionError(readQuietly(log)));
    RunStore store = new RunStore(home);
    long pid = Long.parseLong(store.load(runId).orElseThrow().platform.get("pid"));
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the child runs"));
    // The scenario's timing, not a condition: about a second after the child JVM started (reading its spec, Spark
    // not loaded yet), whoever sends it SIGTERM; the submitter is gone, so only the child can tell what happened.
    java.time.Instant started = child.info().startInstant().orElseThrow();
    long untilOneSecond = java.time.Duration.between(java.time.Instant.now(), started.plusSeconds(1)).toMillis();
    if (untilOneSecond > 0) {
      Thread.sleep(untilOneSecond);
    }
    String logAtSignal = readQuietly(store.logFile(runId));
    java.time.Duration signalAfter = java.time.Duration.between(started, java.time.Instant.now());
    assertTrue(child.destroy(), "SIGTERM sent");
    child.onExit().get(90, TimeUnit.SECONDS);

    eventually("runs status shows the run final", 30, () -> {
      CliCall status = CliCall.of("runs", "status", runId);
      return status.out().contains("CANCELLED") || status.out().contains("FAILED");
    });
    RunRecord stored = store.load(runId).orElseThrow();
    assertEquals(RunState.CANCELLED, stored.state, "signal " + signalAfter + " after start; log then:\n" + logAtSignal
        + "\nerror: " + (stored.error == null ? null : stored.error.message));
    Path driverRecord = store.runDir(runId).resolve("driver").resolve("record.json");
    assertEquals(RunState.CANCELLED, io.sparkstep.spi.record.RunRecordJson.read(Files.readString(driverRecord)).state,
        "the child recorded it itself");
    assertFalse(Files.exists(out), "nothing committed");
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return e.toString();
    }
  }
}
