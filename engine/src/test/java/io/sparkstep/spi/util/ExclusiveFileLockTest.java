package io.sparkstep.spi.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one file lock: one holder at a time among the threads of a JVM as among processes. */
class ExclusiveFileLockTest {
  @TempDir
  Path dir;

  @Test
  void anotherThreadGetsTheLockOnlyOnceItsHolderReleasedIt() throws Exception {
    Path lockFile = dir.resolve("nested").resolve(".x.lock");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      try (ExclusiveFileLock held = ExclusiveFileLock.acquire(lockFile)) {
        assertNull(other.submit(() -> ExclusiveFileLock.tryAcquire(lockFile)).get(10, TimeUnit.SECONDS),
            "held in this JVM: another thread does not get it (nor an overlapping-lock error)");
        assertNull(other.submit(() -> ExclusiveFileLock.acquire(lockFile, Duration.ofMillis(200)))
            .get(10, TimeUnit.SECONDS), "nor within a timeout its holder outlasts");
      }
      ExclusiveFileLock after = other.submit(() -> ExclusiveFileLock.tryAcquire(lockFile)).get(10, TimeUnit.SECONDS);
      assertNotNull(after, "released: the other thread gets it");
      after.close();
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void changesHeldUnderTheLockFromManyThreadsNeverInterleave() throws Exception {
    Path lockFile = dir.resolve(".counter.lock");
    int[] counter = {0};
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int worker = 0; worker < 4; worker++) {
        workers.add(pool.submit(() -> {
          for (int i = 0; i < 250; i++) {
            // a read-modify-write that loses updates unless the lock keeps holders apart
            ExclusiveFileLock.holding(lockFile, () -> {
              int read = counter[0];
              Thread.yield();
              counter[0] = read + 1;
              return null;
            });
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1000, counter[0]);
  }
}
