package io.sparkstep.spi.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.api.RunState;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The record's events: each makes a new record that differs only in what it names; the JSON keeps its shape. */
class RunRecordTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A running record with every field set, so an event that moves more than it names shows. */
  private static RunRecord everyFieldSet() {
    RunRecord.AcceleratorInfo comet = RunRecord.AcceleratorInfo.named("comet");
    return new RunRecord("full", "train", "op", "kubernetes")
        .partOfPipeline("20261207-120000-abcdef", "train")
        .loggedAt("file:/runs/full/driver.log")
        .sentTo("k8s://api")
        .started(Instant.parse("2026-01-01T00:00:00Z"), "node-1", "app-1", "http://driver:4040")
        .inputRead("features", new RunRecord.InputInfo("file:/in/features", "parquet",
            new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12")))
        .outputCommitted("trips", new RunRecord.OutputInfo("file:/out/trips", "parquet", 3L, true))
        .modelCommitted("model", new RunRecord.ModelInfo("file:/out/model", "M", "4.1.1", 10L, true))
        .metric("rmse", 0.5)
        .attemptStarted(1)
        .accelerated(comet)
        .platformHandle(() -> Map.of("driverPod", "pod-1"))
        .failed(RunRecord.ErrorInfo.of("Boom", "it broke"))
        .cacheVerdict(new RunRecord.CacheInfo("hit", "k1", "same key"))
        .cachedFrom("20261207-110000-fedcba")
        .moved(RunState.RUNNING);
  }

  private static JsonNode tree(RunRecord record) throws Exception {
    return JSON.readTree(RunRecordJson.write(record));
  }

  /** The top-level fields whose JSON differs between the two records. */
  private static Set<String> changed(RunRecord before, RunRecord after) throws Exception {
    JsonNode a = tree(before);
    JsonNode b = tree(after);
    Set<String> names = new TreeSet<>();
    a.fieldNames().forEachRemaining(names::add);
    b.fieldNames().forEachRemaining(names::add);
    names.removeIf(name -> a.path(name).equals(b.path(name)));
    return names;
  }

  @Test
  void eachEventChangesOnlyWhatItNamesAndLeavesTheRecordItCameFromAsItWas() throws Exception {
    RunRecord base = everyFieldSet();
    String baseJson = RunRecordJson.write(base);
    Map<String, UnaryOperator<RunRecord>> events = new LinkedHashMap<>();
    events.put("host sparkAppId sparkUiUrl startedAt",
        r -> r.started(Instant.parse("2026-01-01T00:00:09Z"), "node-2", "app-2", "http://driver-2:4040"));
    events.put("inputs", r -> r.inputRead("zones", new RunRecord.InputInfo("file:/in/zones", "csv", null)));
    events.put("outputs", r -> r.outputCommitted("zones", new RunRecord.OutputInfo("file:/z", "csv", 2L, true)));
    events.put("models", r -> r.modelCommitted("other", new RunRecord.ModelInfo("file:/m2", "M", "4", 1L, true)));
    events.put("metrics", r -> r.metric("mae", 0.1));
    events.put("attempts", r -> r.attemptStarted(2));
    events.put("error", r -> r.failed(RunRecord.ErrorInfo.of("Other", "another")));
    events.put("platform", r -> r.platformHandle(() -> Map.of("driverPod", "pod-2")));
    events.put("platform ", r -> r.unreachable("the API server did not answer"));
    events.put("cache", r -> r.cacheVerdict(new RunRecord.CacheInfo("miss", "k2", "params changed")));
    events.put("cachedFrom", r -> r.cachedFrom("another-run"));
    events.put("logUri", r -> r.loggedAt("file:/elsewhere.log"));
    events.put("pipelineRun pipelineStep", r -> r.partOfPipeline("p2", "s2"));
    events.put("sparkMaster", r -> r.sentTo("spark://master:7077"));
    events.put("accelerator", r -> r.accelerated(RunRecord.AcceleratorInfo.named(null)));
    events.put("durationMillis endedAt state", r -> r.ended(RunState.SUCCEEDED,
        Instant.parse("2026-01-01T00:01:00Z")));
    for (Map.Entry<String, UnaryOperator<RunRecord>> event : events.entrySet()) {
      RunRecord after = event.getValue().apply(base);
      assertEquals(new TreeSet<>(List.of(event.getKey().trim().split(" "))), changed(base, after),
          "the event of " + event.getKey());
      assertEquals(baseJson, RunRecordJson.write(base), "the record an event came from is unchanged");
    }
  }

  @Test
  void aFinalRecordStaysAsItIsAndItsEndIsStampedOnce() {
    Instant end = Instant.parse("2026-01-01T00:01:00Z");
    RunRecord ended = everyFieldSet().ended(RunState.FAILED, end);
    assertEquals(end, ended.endedAt);
    assertEquals(60_000L, ended.durationMillis);

    assertSame(ended, ended.moved(RunState.SUCCEEDED), "final states are final");
    assertSame(ended, ended.moved(RunState.RUNNING));
    RunRecord again = ended.ended(RunState.CANCELLED, end.plusSeconds(30));
    assertEquals(RunState.FAILED, again.state);
    assertEquals(end, again.endedAt, "the end is stamped once");
  }

  @Test
  void anAttemptEndsOnceAndOnlyTheOpenOne() {
    RunRecord running = everyFieldSet();
    RunRecord ended = running.attemptEnded(1, RunState.FAILED, "boom");
    assertEquals(RunState.FAILED, ended.attempts.get(0).state);
    assertEquals("boom", ended.attempts.get(0).error);
    assertNull(running.attempts.get(0).state, "the attempt of the record it came from is still open");
    assertSame(ended, ended.attemptEnded(1, RunState.SUCCEEDED, null), "an ended attempt stays ended");
    assertSame(ended, ended.attemptEnded(2, RunState.SUCCEEDED, null), "no attempt 2");
  }

  @Test
  void theDriversRecordBringsItsResultsButStateAndPlatformIdsStayTheLaunchers() {
    RunRecord launcher = new RunRecord("full", "train", "op", "kubernetes")
        .platformHandle(() -> Map.of("driverPod", "pod-1")).moved(RunState.RUNNING);
    RunRecord driver = everyFieldSet().ended(RunState.SUCCEEDED, Instant.parse("2026-01-01T00:01:00Z"));

    RunRecord merged = launcher.driverRecordMerged(driver);

    assertEquals(RunState.RUNNING, merged.state);
    assertEquals(Map.of("driverPod", "pod-1"), merged.platform);
    assertEquals(3L, merged.outputs.get("trips").rows);
    assertEquals("app-1", merged.sparkAppId);
    assertEquals(driver.endedAt, merged.endedAt, "a driver that recorded its end sets the run's end");
    assertEquals(driver.startedAt, merged.startedAt);
  }

  @Test
  void theJsonOfARecordReadsBackToTheSameRecord() throws Exception {
    RunRecord record = everyFieldSet().ended(RunState.FAILED, Instant.parse("2026-01-01T00:01:00Z"));
    for (Field field : RunRecord.class.getFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        assertNotNull(field.get(record), "the test sets " + field.getName());
      }
    }
    String json = RunRecordJson.write(record);
    assertEquals(json, RunRecordJson.write(RunRecordJson.read(json)));
  }

  @Test
  void aRecordThePreviousVersionWroteLoadsAndIsWrittenBackInTheSameShape() throws Exception {
    // every field, as 491781c (the record of public fields) wrote it
    String previous = """
        {
          "runId" : "full",
          "step" : "train",
          "operator" : "op",
          "flavor" : "spark-submit",
          "state" : "SUCCEEDED",
          "submittedAt" : "2026-01-01T00:00:00Z",
          "startedAt" : "2026-01-01T00:00:05Z",
          "endedAt" : "2026-01-01T00:01:05Z",
          "durationMillis" : 60000,
          "inputs" : {
            "features" : { "uri" : "file:/in/features", "format" : "parquet",
              "snapshot" : { "kind" : "listing-digest", "value" : "ab12" } }
          },
          "outputs" : {
            "trips" : { "uri" : "file:/out/trips", "format" : "parquet", "rows" : 3, "committed" : true }
          },
          "models" : {
            "model" : { "uri" : "file:/out/model", "modelClass" : "M", "sparkVersion" : "4.1.1", "sizeBytes" : 10,
              "committed" : true }
          },
          "metrics" : { "rmse" : 0.5, "counts" : { "a" : 1 } },
          "sparkAppId" : "app-1",
          "sparkUiUrl" : "http://driver:4040",
          "sparkMaster" : "spark://master:7077",
          "error" : { "type" : "Boom", "message" : "it broke" },
          "attempts" : [ { "number" : 1, "startedAt" : "2026-01-01T00:00:05Z", "endedAt" : "2026-01-01T00:01:05Z",
            "state" : "SUCCEEDED", "sparkAppId" : "app-1" } ],
          "accelerator" : { "name" : "comet", "mode" : "run", "notAccelerated" : [ ], "plan" : [ ] },
          "platform" : { "attempt" : "1", "deployMode" : "cluster", "submitPid" : "4242",
            "driverId" : "driver-20260101000003-0000", "submitterPid" : "4000" },
          "logUri" : "file:/runs/full/driver.log",
          "host" : "node-1",
          "pipelineRun" : "20261207-120000-abcdef",
          "pipelineStep" : "train",
          "cachedFrom" : "20261207-110000-fedcba",
          "cache" : { "outcome" : "hit", "key" : "k1", "reason" : "same key" }
        }
        """;
    RunRecord loaded = RunRecordJson.read(previous);

    assertEquals(JSON.readTree(previous), tree(loaded));
    assertEquals(RunState.SUCCEEDED, loaded.state);
    assertEquals("4242", loaded.platform.get("submitPid"));
    List<String> order = new ArrayList<>();
    Iterator<String> names = tree(loaded).fieldNames();
    names.forEachRemaining(order::add);
    List<String> expected = new ArrayList<>();
    JSON.readTree(previous).fieldNames().forEachRemaining(expected::add);
    assertEquals(expected, order, "the fields in the order the previous version wrote them");
  }

  @Test
  void theRecordsCollectionsCannotBeChangedAndItSharesNoneWithWhatBuiltIt() {
    RunRecord record = everyFieldSet();
    assertThrows(UnsupportedOperationException.class, () -> record.platform.put("driverPod", "other"));
    assertThrows(UnsupportedOperationException.class, () -> record.outputs.clear());
    assertThrows(UnsupportedOperationException.class, () -> record.inputs.remove("features"));
    assertThrows(UnsupportedOperationException.class, () -> record.models.put("m", null));
    assertThrows(UnsupportedOperationException.class, () -> record.metrics.put("rmse", 0));
    assertThrows(UnsupportedOperationException.class, () -> record.attempts.clear());
    assertThrows(UnsupportedOperationException.class, () -> record.accelerator.plan.add(null));
    assertThrows(UnsupportedOperationException.class, () -> record.accelerator.notAccelerated.add("x"));

    Map<String, String> given = new LinkedHashMap<>(Map.of("pid", "1"));
    RunRecord.Builder builder = RunRecord.builder().runId("built").platform(given);
    RunRecord built = builder.build();
    given.put("pid", "2");
    RunRecord later = builder.platform(Map.of("pid", "3")).build();
    assertEquals("1", built.platform.get("pid"), "neither the map given nor the builder's later use changes it");
    assertEquals("3", later.platform.get("pid"));
    assertEquals(RunState.SUBMITTED, built.state, "a new record is submitted");
    assertEquals(Map.of(), built.outputs);
  }

  @Test
  void anOlderRecordWithFieldsSinceRetiredAndWithoutNewerOnesLoads() throws Exception {
    String older = """
        { "runId" : "old", "step" : "train", "flavor" : "kubernetes", "retiredField" : { "a" : 1 },
          "outputs" : { "trips" : { "uri" : "file:/out/trips", "rows" : 3, "retiredToo" : true } },
          "attempts" : [ { "number" : 1, "gpuSeconds" : 5 } ],
          "error" : { "type" : "Boom", "hint" : "retired" },
          "platform" : { "driverPod" : "old-driver", "exitCode" : "137" }, "metrics" : null }
        """;
    RunRecord loaded = RunRecordJson.read(older);

    assertEquals(RunState.SUBMITTED, loaded.state, "no state written: the default");
    assertEquals(3L, loaded.outputs.get("trips").rows);
    assertFalse(loaded.outputs.get("trips").committed);
    assertEquals(1, loaded.attempts.get(0).number);
    assertEquals("Boom", loaded.error.type);
    assertEquals("137", loaded.platform.get("exitCode"));
    assertEquals(Map.of(), loaded.metrics, "a null map reads as empty");
    assertEquals(Map.of(), loaded.inputs, "a field the older record did not have reads as empty");
    assertNull(loaded.cache);
    assertThrows(UnsupportedOperationException.class, () -> loaded.platform.remove("exitCode"));
    JsonNode written = tree(loaded);
    assertFalse(written.has("retiredField"), written.toString());
    assertFalse(written.path("outputs").path("trips").has("retiredToo"), written.toString());
    assertEquals(RunRecordJson.write(loaded), RunRecordJson.write(RunRecordJson.read(RunRecordJson.write(loaded))));
  }

  @Test
  void eventsFromTwoThreadsOnOneCurrentRecordAreAllKept() throws Exception {
    CurrentRecord current = new CurrentRecord(new RunRecord("busy", "train", "op", "local"));
    CyclicBarrier start = new CyclicBarrier(2);
    List<Thread> threads = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      Thread thread = new Thread(() -> {
        try {
          start.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < 500; i++) {
          String metric = name + i;
          current.update(r -> r.metric(metric, 1));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    assertEquals(1000, current.get().metrics.size(), "no event lost to another thread's");
  }

  @Test
  void theDriversInputSnapshotsWinAndInputsItDidNotRecordStay() {
    RunRecord launcher = new RunRecord("r", "copy", "op", "spark-submit")
        .inputRead("table", new RunRecord.InputInfo("file:/t", "delta",
            new DataSnapshot(DataSnapshot.DELTA_VERSION, "3")))
        .inputRead("files", new RunRecord.InputInfo("file:/f", "parquet",
            new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12")));
    RunRecord driver = new RunRecord("r", "copy", null, null)
        .inputRead("table", new RunRecord.InputInfo("file:/t", "delta",
            new DataSnapshot(DataSnapshot.DELTA_VERSION, "4")));

    RunRecord merged = launcher.driverRecordMerged(driver);

    assertEquals(new DataSnapshot(DataSnapshot.DELTA_VERSION, "4"), merged.inputs.get("table").snapshot);
    assertEquals(new DataSnapshot(DataSnapshot.LISTING_DIGEST, "ab12"), merged.inputs.get("files").snapshot);
  }
}
