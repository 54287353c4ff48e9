package io.sparkstep.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.samples.GenerateTripsStep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache matrix at the level of the key and the index (no Spark): each case runs the check a submission makes,
 * publishes what the driver publishes after a commit, and asserts hit or miss with its reason.
 */
class StepCacheTest {
  @TempDir
  Path dir;
  private final Configuration conf = new Configuration();
  private String store;
  private Path trips;
  private Path out;
  /** The output's URI as the spec names it (before the directory exists, so without a trailing slash). */
  private String outUri;
  private int runs;

  @BeforeEach
  void setUp() throws IOException {
    store = dir.resolve("store").toUri().toString();
    trips = Files.createDirectories(dir.resolve("trips"));
    Files.writeString(trips.resolve("part-0.csv"), "a,1\n");
    Files.writeString(trips.resolve("part-1.csv"), "b,2\n");
    out = dir.resolve("out");
    outUri = out.toUri().toString();
  }

  private StepSpec spec() {
    StepSpec spec = new StepSpec();
    spec.step = GenerateTripsStep.class.getName();
    spec.inputs.put("trips", new ArtifactSpec(trips.toUri().toString(), "csv", null));
    spec.outputs.put("features", ArtifactSpec.ofUri(outUri));
    return spec;
  }

  private CacheDecision decide(StepSpec spec, Map<String, Object> params) {
    return StepCache.decide(spec, GenerateTripsStep.class, params, store, conf, true);
  }

  private static Map<String, Object> params(long rows) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("rows", rows);
    return params;
  }

  /** What a run that missed does: commit its output, then publish the entry from the driver. */
  private String runAndPublish(StepSpec spec, CacheDecision decision) throws IOException {
    String runId = "run-" + (++runs);
    assertTrue(commitAndPublish(spec, decision, runId).won());
    return runId;
  }

  /** The run's record after its commit and publication, from its launch verdict: what the driver's record holds. */
  private RunRecord recordAfter(StepSpec spec, CacheDecision decision, String runId) throws IOException {
    RunRecord launched = new RunRecord(runId, spec.step, "local", "local").cacheVerdict(decision.info());
    return CachePublisher.recorded(launched, commitAndPublish(spec, decision, runId));
  }

  private CacheIndex.Publication commitAndPublish(StepSpec spec, CacheDecision decision, String runId)
      throws IOException {
    for (ArtifactSpec output : spec.outputs.values()) {
      Path target = Path.of(java.net.URI.create(output.uri));
      Files.createDirectories(target);
      Files.writeString(target.resolve("part-0.parquet"), runId);
    }
    StepSpec ran = spec.copy();
    ran.runId = runId;
    ran.cacheTarget = StepCache.target(decision, store, conf);
    RunRecord record = new RunRecord(runId, spec.step, "local", "local");
    for (Map.Entry<String, ArtifactSpec> output : spec.outputs.entrySet()) {
      record = record.outputCommitted(output.getKey(),
          new RunRecord.OutputInfo(output.getValue().uri, "parquet", 1L, true));
    }
    return CachePublisher.publish(ran, record, conf);
  }

  private String primed() throws IOException {
    CacheDecision first = decide(spec(), params(10));
    assertEquals(CacheDecision.MISS, first.outcome());
    assertEquals("no earlier run of this step in the cache", first.reason());
    return runAndPublish(spec(), first);
  }

  @Test
  void sameInputsAndParamsHitWithTheCachedOutputs() throws IOException {
    String cachedRun = primed();
    CacheDecision again = decide(spec(), params(10));
    assertEquals(CacheDecision.HIT, again.outcome(), again.reason());
    assertEquals(cachedRun, again.entry().runId);
    assertEquals("same key as run " + cachedRun + " and its outputs are intact", again.reason());
    RunRecord record = StepCache.hitFilled(new RunRecord("run-x", spec().step, "local", "local"), again);
    assertEquals(cachedRun, record.cachedFrom);
    assertEquals(outUri, record.outputs.get("features").uri);
    assertEquals("listing-digest", record.inputs.get("trips").snapshot.kind);
    assertEquals(2L, record.inputs.get("trips").snapshot.files);
  }

  @Test
  void aChangedParameterMissesNamingIt() throws IOException {
    String cachedRun = primed();
    CacheDecision changed = decide(spec(), params(11));
    assertEquals(CacheDecision.MISS, changed.outcome());
    assertEquals("param rows changed (10 -> 11) since run " + cachedRun, changed.reason());
  }

  @Test
  void anInputFileRewrittenInPlaceMisses() throws IOException {
    primed();
    Path part = trips.resolve("part-0.csv");
    FileTime before = Files.getLastModifiedTime(part);
    Files.writeString(part, "a,9\n");
    Files.setLastModifiedTime(part, FileTime.fromMillis(before.toMillis() + 2000));
    CacheDecision changed = decide(spec(), params(10));
    assertEquals(CacheDecision.MISS, changed.outcome());
    assertTrue(changed.reason().startsWith("input trips changed (listing-digest:"), changed.reason());
  }

  @Test
  void aFileAddedToAnInputDirectoryMisses() throws IOException {
    primed();
    Files.writeString(trips.resolve("part-2.csv"), "c,3\n");
    CacheDecision changed = decide(spec(), params(10));
    assertEquals(CacheDecision.MISS, changed.outcome());
    assertTrue(changed.reason().startsWith("input trips changed (listing-digest:"), changed.reason());
    assertEquals(3L, changed.inputs().get("trips").snapshot.files);
  }

  @Test
  void aDeltaInputWithANewVersionMisses() throws IOException {
    Path log = Files.createDirectories(dir.resolve("table/_delta_log"));
    Files.writeString(log.resolve("00000000000000000000.json"), "{}\n");
    StepSpec spec = spec();
    spec.inputs.put("trips", ArtifactSpec.ofUri(dir.resolve("table").toUri().toString()));
    CacheDecision first = decide(spec, params(10));
    assertEquals("delta-version:0", first.key().parts().get("input.trips"));
    runAndPublish(spec, first);
    assertTrue(decide(spec, params(10)).isHit());
    Files.writeString(log.resolve("00000000000000000001.json"), "{}\n");
    CacheDecision changed = decide(spec, params(10));
    assertEquals(CacheDecision.MISS, changed.outcome());
    assertTrue(changed.reason().startsWith("input trips changed (delta-version:0 -> delta-version:1)"),
        changed.reason());
    // time travel: an input pinned at version 0 is the same data as before
    spec.inputs.get("trips").options.put("versionAsOf", "0");
    assertEquals("delta-version:0", decide(spec, params(10)).key().parts().get("input.trips"));
  }

  @Test
  void anIcebergInputIsKeyedOnItsCurrentSnapshot() throws IOException {
    Path metadata = Files.createDirectories(dir.resolve("iceberg/metadata"));
    Files.writeString(metadata.resolve("version-hint.text"), "2");
    Files.writeString(metadata.resolve("v2.metadata.json"), "{\"format-version\":2,\"current-snapshot-id\":4242}");
    StepSpec spec = spec();
    spec.inputs.put("trips", ArtifactSpec.ofUri(dir.resolve("iceberg").toUri().toString()));
    assertEquals("iceberg-snapshot:4242", decide(spec, params(10)).key().parts().get("input.trips"));
  }

  @Test
  void aDeletedCachedOutputMissesAndTheNextRunIsCachedAgain() throws IOException {
    String cachedRun = primed();
    Files.delete(out.resolve("part-0.parquet"));
    Files.delete(out);
    CacheDecision gone = decide(spec(), params(10));
    assertEquals(CacheDecision.MISS, gone.outcome());
    assertEquals("the cached output features of run " + cachedRun + " was deleted (" + outUri + ")",
        gone.reason());
    String rerun = runAndPublish(spec(), gone);
    assertEquals(rerun, decide(spec(), params(10)).entry().runId);
  }

  @Test
  void aCachedOutputChangedAfterItsCommitMisses() throws IOException {
    String cachedRun = primed();
    Files.writeString(out.resolve("part-1.parquet"), "added later");
    CacheDecision changed = decide(spec(), params(10));
    assertEquals("the cached output features of run " + cachedRun + " changed since its commit (" + outUri
        + ")", changed.reason());
  }

  @Test
  void aChangedAcceleratorOrResultSettingMisses() throws IOException {
    String cachedRun = primed();
    StepSpec comet = spec();
    comet.accelerator = "comet";
    assertEquals("accelerator changed (none -> comet) since run " + cachedRun, decide(comet, params(10)).reason());
    StepSpec ansi = spec();
    ansi.sparkConf.put("spark.sql.ansi.enabled", "false");
    ansi.sparkConf.put("spark.executor.memory", "2g");
    assertEquals("conf spark.sql.ansi.enabled added since run " + cachedRun, decide(ansi, params(10)).reason());
  }

  @Test
  void anExplicitOutputElsewhereMissesWhileAPlacedOneTakesTheCachedLocation() throws IOException {
    String cachedRun = primed();
    StepSpec elsewhere = spec();
    elsewhere.outputs.put("features", ArtifactSpec.ofUri(dir.resolve("other").toUri().toString()));
    assertEquals("explicit output URI of features differs from the cached run's (" + outUri + " of run "
        + cachedRun + ")", decide(elsewhere, params(10)).reason());
    elsewhere.labels.put(StepCache.PLACED_OUTPUTS_LABEL, "features");
    assertTrue(decide(elsewhere, params(10)).isHit());
  }

  @Test
  void theStepJarRebuiltWithAChangeMakesANewCodePart() throws IOException {
    Path jar = dir.resolve("steps.jar");
    Files.write(jar, new byte[] {1, 2, 3});
    String before = StepCode.ofJar(jar);
    Files.write(jar, new byte[] {1, 2, 4});
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
    String after = StepCode.ofJar(jar);
    assertNotEquals(before, after);
    CacheKey earlier = new CacheKey(Map.of("step", "S", "code", before));
    assertEquals("code changed (" + before.substring(0, 23) + " -> " + after.substring(0, 23) + ")",
        new CacheKey(Map.of("step", "S", "code", after)).changesSince(earlier.parts()).get(0));
  }

  @Test
  void theCacheOffStillRecordsTheInputSnapshots() {
    CacheDecision off = StepCache.decide(spec(), GenerateTripsStep.class, params(10), store, conf, false);
    assertEquals(CacheDecision.OFF, off.outcome());
    assertFalse(off.publishes());
    assertEquals("listing-digest", off.inputs().get("trips").snapshot.kind);
  }

  /**
   * Identical runs at once: each checked before any published (a miss), each committed its own outputs; one entry
   * stays, and every other run's record says it raced, recomputed, and whose outputs later hits take.
   */
  @Test
  void identicalRunsAtOnceLeaveOneEntryAndEachLoserSaysInItsRecordThatItRecomputed() throws Exception {
    int racers = 4;
    List<StepSpec> specs = new ArrayList<>();
    List<CacheDecision> decisions = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      StepSpec racer = spec();
      racer.outputs.put("features", ArtifactSpec.ofUri(dir.resolve("out-" + i).toUri().toString()));
      specs.add(racer);
      decisions.add(decide(racer, params(10)));
      assertEquals(CacheDecision.MISS, decisions.get(i).outcome());
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Future<RunRecord>> finished = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      int racer = i;
      finished.add(pool.submit(() -> {
        start.await();
        return recordAfter(specs.get(racer), decisions.get(racer), "racer-" + racer);
      }));
    }
    start.countDown();
    List<RunRecord> records = new ArrayList<>();
    for (Future<RunRecord> record : finished) {
      records.add(record.get());
    }
    pool.shutdown();
    String kept = new CacheIndex(store, conf).find(decisions.get(0).key().step(), decisions.get(0).key().key())
        .orElseThrow().runId;
    for (RunRecord record : records) {
      if (record.runId.equals(kept)) {
        assertEquals(CacheDecision.MISS, record.cache.outcome, "the winner keeps its launch verdict");
      } else {
        assertEquals(CacheDecision.RACED, record.cache.outcome, record.runId);
        assertEquals(decisions.get(0).key().key(), record.cache.key);
        assertEquals("recomputed: identical run " + kept + " published this key first; this run keeps its own"
            + " outputs, later hits take run " + kept + "'s", record.cache.reason);
      }
    }
    CacheDecision after = decide(spec(), params(10));
    assertEquals(CacheDecision.MISS, after.outcome(), "the spec's own output URI is none of the racers'");
    assertTrue(after.reason().startsWith("explicit output URI of features differs"), after.reason());
  }
}
