package io.sparkstep.spi;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one scheduler on which run handles do their timed work (follow a platform, submit again after a backoff,
 * escalate a cancel), shared by all runs of a JVM, so a handle is a few small functions, not threads that sleep.
 *
 * <p>Its threads are daemons (a run being followed never keeps the JVM alive), named {@code sparkstep-run-N}, and go
 * when idle. A repeated task that throws is logged and runs again at its next time: one failed question to a platform
 * does not stop a run from being followed. Tasks should not block for long: a few threads serve every run.
 */
public final class RunScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(RunScheduler.class);
  /** Enough that one run waiting on a slow platform answer does not hold up the others. */
  private static final int THREADS = 4;
  private static final Duration IDLE_THREAD_LIFETIME = Duration.ofSeconds(30);
  private static final RunScheduler SHARED = new RunScheduler("sparkstep-run");

  private final ScheduledThreadPoolExecutor executor;

  RunScheduler(String threadPrefix) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = task -> {
      Thread thread = new Thread(task, threadPrefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    executor = new ScheduledThreadPoolExecutor(THREADS, threads);
    executor.setKeepAliveTime(IDLE_THREAD_LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
    executor.allowCoreThreadTimeOut(true);
    executor.setRemoveOnCancelPolicy(true);
  }

  /** The scheduler of this JVM's runs. */
  public static RunScheduler shared() {
    return SHARED;
  }

  /** A scheduled task; cancelling stops runs not yet started (one under way finishes). */
  public interface Scheduled {
    void cancel();

    boolean isCancelled();
  }

  /**
   * Runs {@code task} every {@code period}, the first time one period from now; the period is counted from the end
   * of the previous run, so a slow run never makes runs pile up.
   */
  public Scheduled every(Duration period, Runnable task) {
    long millis = period.toMillis();
    return of(executor.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // a repeated task that throws would otherwise never run again
        LOG.warn("scheduled task failed, it runs again in {} ms: {}", millis, e.toString());
      }
    }, millis, millis, TimeUnit.MILLISECONDS));
  }

  /** Runs {@code task} once, {@code delay} from now. */
  public Scheduled after(Duration delay, Runnable task) {
    return of(executor.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("scheduled task failed: {}", e.toString());
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  private static Scheduled of(ScheduledFuture<?> future) {
    return new Scheduled() {
      @Override
      public void cancel() {
        future.cancel(false);
      }

      @Override
      public boolean isCancelled() {
        return future.isCancelled();
      }
    };
  }
}
