package io.sparkstep.spi.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.util.JavaCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one store of run records: what it saves it loads, a final record stays final, writers never tear a file. */
class RunStoreTest {
  @TempDir
  Path home;

  @Test
  void aSavedRecordLoadsWithEveryFieldItHad() {
    RunStore store = new RunStore(home);
    RunRecord record = new RunRecord("saved", "train", "op", "local")
        .outputCommitted("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 12L, true))
        .metric("rmse", 1.5)
        .platformNote("pid", "4242")
        .moved(RunState.RUNNING);
    store.save(record);

    RunRecord loaded = store.load("saved").orElseThrow();

    assertEquals(RunRecordJson.write(record), RunRecordJson.write(loaded));
    assertEquals(RunState.RUNNING, loaded.state);
    assertEquals(12L, loaded.outputs.get("trips").rows);
    assertEquals("4242", loaded.platform.get("pid"));
  }

  @Test
  void aStoredFinalRecordIsNotOverwrittenByALaterNonFinalOne() {
    RunStore store = new RunStore(home);
    RunRecord submitted = new RunRecord("final", "train", "op", "local");
    RunRecord observerThatSawTheEnd = submitted.moved(RunState.SUCCEEDED);
    assertTrue(store.save(observerThatSawTheEnd));

    RunRecord handleThatLookedEarlier = submitted.moved(RunState.RUNNING);
    assertFalse(store.save(handleThatLookedEarlier), "an older view must not undo the end");

    assertEquals(RunState.SUCCEEDED, store.load("final").orElseThrow().state);
  }

  @Test
  void twoThreadsSavingOneRunAtOnceNeverFailAndLeaveAWholeRecord() throws Exception {
    RunStore store = new RunStore(home);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<?>> writers = new ArrayList<>();
      for (int writer = 0; writer < 2; writer++) {
        String name = "writer" + writer;
        writers.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          // a record per save, as two handles of one run in one JVM each hold their own
          for (int i = 0; i < 200; i++) {
            RunRecord record = new RunRecord("shared", "train", "op", "local")
                .platformNote("writer", name)
                .metric("i", i);
            store.save(record);
            store.load("shared").orElseThrow();
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS); // rethrows what a writer hit (an overlapping file lock, a torn read)
      }
    } finally {
      pool.shutdownNow();
    }
    RunRecord last = store.load("shared").orElseThrow();
    assertEquals(199, ((Number) last.metrics.get("i")).intValue());
  }

  /** A second process's writer: saves {@code count} records of one run, then exits 0 (1 on any failure). */
  public static void main(String[] args) {
    RunStore store = new RunStore(Path.of(args[0]));
    int count = Integer.parseInt(args[2]);
    for (int i = 0; i < count; i++) {
      RunRecord record = new RunRecord("two-processes", "train", "op", "local").platformNote("writer", args[1]);
      store.save(record);
      store.load("two-processes").orElseThrow();
    }
  }

  @Test
  void twoProcessesSavingOneRunAtOnceBothFinishAndAFinalStateSurvivesThem() throws Exception {
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      List<String> command = JavaCommand.forMainClass(RunStoreTest.class.getName(),
          List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"));
      command.addAll(List.of(home.toString(), "process" + i, "300"));
      processes.add(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(home.resolve("writer-" + i + ".log").toFile()).start());
    }
    RunStore store = new RunStore(home);
    RunRecord end = new RunRecord("two-processes", "train", "op", "local").moved(RunState.FAILED);
    boolean savedWhileTheyWrote = false;
    while (!savedWhileTheyWrote && processes.stream().anyMatch(Process::isAlive)) {
      // the end is stored once a writer has stored something: from then on no non-final save may replace it
      savedWhileTheyWrote = store.load("two-processes").isPresent() && store.save(end);
    }
    for (int i = 0; i < processes.size(); i++) {
      assertTrue(processes.get(i).waitFor(120, TimeUnit.SECONDS), "writer " + i + " finished");
      assertEquals(0, processes.get(i).exitValue(), Files.readString(home.resolve("writer-" + i + ".log")));
    }
    if (!savedWhileTheyWrote) {
      store.save(end);
    }
    assertEquals(RunState.FAILED, store.load("two-processes").orElseThrow().state);
  }

  @Test
  void aRecordAnOlderVersionWroteLoadsWithWhatUsersSee() throws Exception {
    // as 0cac829 wrote it: platform ids as a string map, a field this version no longer has
    String older = """
        {
          "runId" : "older-run",
          "step" : "io.sparkstep.samples.FareStep",
          "operator" : "cluster",
          "flavor" : "spark-submit",
          "state" : "SUCCEEDED",
          "submittedAt" : "2026-03-01T10:00:00Z",
          "startedAt" : "2026-03-01T10:00:05Z",
          "endedAt" : "2026-03-01T10:01:05Z",
          "durationMillis" : 60000,
          "outputs" : {
            "trips" : { "uri" : "file:/data/trips", "format" : "parquet", "rows" : 1500, "committed" : true }
          },
          "sparkAppId" : "app-20260301100005-0000",
          "platform" : { "submitPid" : "4242", "driverId" : "driver-20260301100003-0000" },
          "logUri" : "file:/home/runs/older-run/driver.log",
          "retiredField" : "ignored"
        }
        """;
    Path dir = home.resolve("runs").resolve("older-run");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("record.json"), older);

    RunRecord loaded = new RunStore(home).load("older-run").orElseThrow();

    assertEquals(RunState.SUCCEEDED, loaded.state);
    assertEquals(Instant.parse("2026-03-01T10:01:05Z"), loaded.endedAt);
    assertEquals(1500L, loaded.outputs.get("trips").rows);
    assertEquals("driver-20260301100003-0000", loaded.platform.get("driverId"));
    assertEquals("file:/home/runs/older-run/driver.log", loaded.view().logUri());
    assertEquals(60_000L, loaded.view().duration().toMillis());
  }
}
