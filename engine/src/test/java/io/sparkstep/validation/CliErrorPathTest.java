package io.sparkstep.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.util.JavaCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's one error path: short lines, exit codes per the contract, traces only with --verbose, signals. */
class CliErrorPathTest {
  @TempDir
  Path tmp;
  Path home;

  @BeforeEach
  void setUp() {
    home = tmp.resolve("home");
    System.setProperty("sparkstep.home", home.toString());
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("sparkstep.home");
  }

  @Test
  void oneCorruptRecordDoesNotHideTheOtherRuns() throws IOException {
    RunStore store = new RunStore(home);
    RunRecord good = new RunRecord("good-run", "generate-trips", "local", "local");
    good.transition(RunState.SUCCEEDED);
    store.save(good);
    Files.createDirectories(store.runDir("broken-run"));
    Files.writeString(store.recordFile("broken-run"), "{\"runId\": \"broken-run\", \"state\": ");
    CliCall list = CliCall.of("runs", "list");
    assertEquals(0, list.code(), list.all());
    assertTrue(list.out().contains("good-run"), list.out());
    assertTrue(list.err().contains("broken-run") && list.err().lines().count() == 1, list.err());
    CliCall status = CliCall.of("runs", "status", "broken-run");
    assertEquals(ExitCode.INVALID_INPUT, status.code(), status.all());
    assertTrue(status.err().contains("unreadable") && status.err().lines().count() <= 2, status.err());
  }

  @Test
  void aBrokenStepProviderIsSkippedWithOneWarningNamingItsJar() throws Exception {
    Path jar = tmp.resolve("broken-steps.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("META-INF/services/io.sparkstep.api.Step"));
      out.write("com.example.MissingStep\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
      Thread.currentThread().setContextClassLoader(loader);
      CliCall steps = CliCall.of("steps");
      assertEquals(0, steps.code(), steps.all());
      assertTrue(steps.out().contains("generate-trips"), "the good steps are listed: " + steps.out());
      List<String> warnings = steps.err().lines().filter(l -> l.contains("warning")).toList();
      assertEquals(1, warnings.size(), steps.err());
      assertTrue(warnings.get(0).contains("com.example.MissingStep") && warnings.get(0).contains("broken-steps.jar"),
          warnings.get(0));
      CliCall bad = CliCall.of("run", "--step", "generate-trips", "--param", "rows=nope",
          "--output", "trips=" + tmp.resolve("t"), "--output", "zones=" + tmp.resolve("z"));
      assertEquals(ExitCode.INVALID_INPUT, bad.code(), "validation still works: " + bad.all());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  @Test
  void aFailedStepIsShortWithoutVerboseAndHasItsTraceWith() {
    CliCall quiet = CliCall.of("run", "--step", "io.sparkstep.testing.FailingStep",
        "--output", "out=" + tmp.resolve("f1"));
    assertEquals(ExitCode.STEP_FAILED, quiet.code(), quiet.all());
    assertTrue(quiet.out().contains("boom"), quiet.out());
    assertFalse(quiet.all().contains("\tat "), "no stack trace without --verbose: " + quiet.all());
    assertTrue(quiet.all().lines().count() < 15, quiet.all());
    CliCall verbose = CliCall.of("--verbose", "run", "--step", "io.sparkstep.testing.FailingStep",
        "--output", "out=" + tmp.resolve("f2"));
    assertEquals(ExitCode.STEP_FAILED, verbose.code(), verbose.all());
    assertTrue(verbose.err().contains("\tat io.sparkstep.testing.FailingStep.run"), verbose.err());
  }

  @Test
  void sigtermOfAForegroundRunCancelsItAndExitsFourWithoutATrace() throws Exception {
    Path log = tmp.resolve("cli.log");
    List<String> command = JavaCommand.forMainClass("io.sparkstep.cli.SparkstepCli",
        List.of("-Xmx700m", "-Dsparkstep.home=" + home, "-Dspark.ui.enabled=false"));
    command.addAll(List.of("run", "--step", "io.sparkstep.testing.SlowStep", "--param", "seconds=120",
        "--run-id", "foreground", "--output", "out=" + tmp.resolve("slow")));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.currentTimeMillis() + 150_000;
      while (System.currentTimeMillis() < deadline && !recordSays("foreground", RunState.RUNNING)) {
        assertTrue(cli.isAlive(), Files.readString(log));
        Thread.sleep(200);
      }
      assertTrue(recordSays("foreground", RunState.RUNNING), Files.readString(log));
      cli.destroy(); // SIGTERM
      assertTrue(cli.waitFor(90, TimeUnit.SECONDS), "the CLI ended after SIGTERM");
      String output = Files.readString(log);
      assertEquals(ExitCode.CANCELLED, cli.exitValue(), output);
      assertEquals(RunState.CANCELLED, new RunStore(home).load("foreground").orElseThrow().state);
      assertFalse(output.contains("\tat "), "no trace: " + output);
      assertFalse(Files.exists(tmp.resolve("slow")), "nothing committed");
    } finally {
      cli.destroyForcibly();
    }
  }

  @Test
  void sigtermToADetachedChildSoonAfterStartRecordsCancelled() throws Exception {
    assertEquals(0, CliCall.of("operator", "register", "proc", "--flavor", "local", "--set", "isolation=process",
        "--set", "driverMemory=600m").code());
    CliCall detach = CliCall.of("run", "--operator", "proc", "--detach", "--step", "io.sparkstep.testing.SlowStep",
        "--param", "seconds=120", "--run-id", "detached", "--output", "out=" + tmp.resolve("slow-detached"));
    assertEquals(0, detach.code(), detach.all());
    long pid = Long.parseLong(new RunStore(home).load("detached").orElseThrow().platform.get("pid"));
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
    try {
      Thread.sleep(1000); // "one second after start", the moment the issue names; Spark is still starting
      assertTrue(child.isAlive(), "the child is still starting");
      child.destroy(); // SIGTERM
      child.onExit().get(90, TimeUnit.SECONDS);
      RunState state = null;
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        CliCall status = CliCall.of("runs", "status", "detached");
        if (status.out().contains("CANCELLED") || status.out().contains("FAILED")) {
          state = status.out().contains("CANCELLED") ? RunState.CANCELLED : RunState.FAILED;
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(RunState.CANCELLED, state, Files.readString(new RunStore(home).logFile("detached")));
      assertFalse(Files.exists(tmp.resolve("slow-detached")));
    } finally {
      child.destroyForcibly();
    }
  }

  private boolean recordSays(String runId, RunState state) {
    try {
      return new RunStore(home).load(runId).map(r -> r.state == state).orElse(false);
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }
}
