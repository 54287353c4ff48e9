package io.sparkstep.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index: one complete entry per key whoever publishes it and however many at once, and clear. */
class CacheIndexTest {
  @TempDir
  Path dir;
  private final Configuration conf = new Configuration();

  private static CacheEntry entry(String runId) {
    CacheEntry entry = new CacheEntry();
    entry.key = "k1";
    entry.runId = runId;
    entry.step = "com.example.Step";
    entry.parts.putAll(Map.of("step", "com.example.Step"));
    return entry;
  }

  @Test
  void aLaterIdenticalRunGetsTheFirstEntryBack() throws Exception {
    CacheIndex index = new CacheIndex(dir.toUri().toString(), conf);
    String uri = index.entryUri("com.example.Step", "k1");
    assertTrue(CacheIndex.publish(uri, entry("first"), conf).won());
    CacheIndex.Publication second = CacheIndex.publish(uri, entry("second"), conf);
    assertFalse(second.won());
    assertEquals("first", second.entry().runId);
    assertEquals("first", index.find("com.example.Step", "k1").orElseThrow().runId);
  }

  @Test
  void identicalRunsPublishingAtOnceLeaveOneCompleteEntry() throws Exception {
    CacheIndex index = new CacheIndex(dir.toUri().toString(), conf);
    String uri = index.entryUri("com.example.Step", "k1");
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<CacheIndex.Publication>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String runId = "run-" + i;
      results.add(pool.submit(() -> {
        start.await();
        return CacheIndex.publish(uri, entry(runId), conf);
      }));
    }
    start.countDown();
    CacheEntry kept = null;
    List<String> winners = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      CacheIndex.Publication publication = results.get(i).get();
      // a writer told it won got its own entry back; one told it lost got another run's complete entry
      assertEquals(publication.won(), publication.entry().runId.equals("run-" + i));
      assertEquals("k1", publication.entry().key);
      if (publication.won()) {
        winners.add("run-" + i);
      }
    }
    pool.shutdown();
    kept = index.find("com.example.Step", "k1").orElseThrow();
    assertEquals(List.of(kept.runId), winners, "exactly one writer is told it won: the one whose entry stays");
    try (var files = Files.list(Path.of(java.net.URI.create(uri)).getParent())) {
      assertEquals(Set.of("k1.json"), files.map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith(".")).collect(java.util.stream.Collectors.toSet()), "no temporary file is left behind");
    }
  }

  @Test
  void aBrokenEntryIsNoHitAndIsReplaced() throws Exception {
    CacheIndex index = new CacheIndex(dir.toUri().toString(), conf);
    Path broken = Path.of(java.net.URI.create(index.entryUri("com.example.Step", "k1")));
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, "{\"key\":\"k1\",\"runId\":\"ha");
    assertTrue(index.find("com.example.Step", "k1").isEmpty());
    assertTrue(CacheIndex.publish(broken.toUri().toString(), entry("fresh"), conf).won());
    assertEquals("fresh", index.find("com.example.Step", "k1").orElseThrow().runId);
  }

  @Test
  void clearRemovesOneStepsEntriesOrAll() throws Exception {
    CacheIndex index = new CacheIndex(dir.toUri().toString(), conf);
    CacheIndex.publish(index.entryUri("a.Step", "k1"), entry("r1"), conf);
    CacheIndex.publish(index.entryUri("a.Step", "k2"), entry("r2"), conf);
    CacheIndex.publish(index.entryUri("b.Step", "k1"), entry("r3"), conf);
    assertEquals(2, index.clear("a.Step"));
    assertTrue(index.find("a.Step", "k1").isEmpty());
    assertTrue(index.find("b.Step", "k1").isPresent());
    assertEquals(1, index.clear(null));
    assertTrue(index.find("b.Step", "k1").isEmpty());
  }
}
