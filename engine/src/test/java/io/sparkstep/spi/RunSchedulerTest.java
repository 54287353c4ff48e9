package io.sparkstep.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The shared scheduler of run handles: repeated and delayed tasks, cancel, failures, its threads. */
class RunSchedulerTest {
  private static final Duration PERIOD = Duration.ofMillis(20);
  private final RunScheduler scheduler = RunScheduler.shared();

  @Test
  void aRepeatedTaskRunsUntilCancelledAndNeverAfter() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<RunScheduler.Scheduled> self = new AtomicReference<>();
    CountDownLatch scheduled = new CountDownLatch(1);
    self.set(scheduler.every(PERIOD, () -> {
      awaitQuietly(scheduled);
      if (runs.incrementAndGet() == 3) {
        self.get().cancel();
      }
    }));
    scheduled.countDown();
    // a task scheduled well after the third run's next turn: by then a run not cancelled would have happened
    CompletableFuture<Void> later = new CompletableFuture<>();
    scheduler.after(PERIOD.multipliedBy(3 + 10), () -> later.complete(null));
    later.get(10, TimeUnit.SECONDS);
    assertEquals(3, runs.get());
    assertTrue(self.get().isCancelled());
  }

  @Test
  void aRepeatedTaskThatThrowsRunsAgain() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch third = new CountDownLatch(3);
    RunScheduler.Scheduled task = scheduler.every(PERIOD, () -> {
      runs.incrementAndGet();
      third.countDown();
      throw new IllegalStateException("the platform did not answer");
    });
    try {
      assertTrue(third.await(10, TimeUnit.SECONDS), "ran " + runs.get() + " times");
    } finally {
      task.cancel();
    }
  }

  @Test
  void aDelayedTaskRunsOnceAfterItsDelayOnANamedDaemonThread() throws Exception {
    Duration delay = Duration.ofMillis(150);
    long start = System.nanoTime();
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    scheduler.after(delay, () -> ran.complete(Thread.currentThread()));
    Thread thread = ran.get(10, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - start >= delay.toNanos(), "ran before its delay");
    assertTrue(thread.isDaemon(), "a run being followed must not keep the JVM alive");
    assertTrue(thread.getName().startsWith("sparkstep-run-"), thread.getName());
  }

  @Test
  void aCancelledDelayedTaskNeverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    RunScheduler.Scheduled task = scheduler.after(PERIOD.multipliedBy(5), runs::incrementAndGet);
    task.cancel();
    CompletableFuture<Void> later = new CompletableFuture<>();
    scheduler.after(PERIOD.multipliedBy(15), () -> later.complete(null));
    later.get(10, TimeUnit.SECONDS);
    assertEquals(0, runs.get());
    assertTrue(task.isCancelled());
  }

  @Test
  void aSlowTaskOfOneRunDoesNotHoldUpAnother() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    scheduler.after(Duration.ZERO, () -> awaitQuietly(release));
    CompletableFuture<Void> other = new CompletableFuture<>();
    scheduler.after(PERIOD, () -> other.complete(null));
    try {
      other.get(10, TimeUnit.SECONDS); // times out when the blocked task holds the only thread
    } finally {
      release.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
