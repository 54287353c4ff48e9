package io.sparkstep.flavor.kubernetes;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * A test step that watches dynamic allocation from inside the driver: runs one job wide enough to want more
 * executors than there are, then waits (with a deadline) until Spark's allocation manager has released every idle
 * executor, and logs what it saw: executors added, most at once, removed, and how many were left. No outputs.
 */
public final class ScalingProbeStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("scaling-probe").description("dynamic allocation up and back, as seen by the driver")
        .build();
  }

  @Override
  public void run(StepContext context) {
    SparkContext sc = context.spark().sparkContext();
    // By executor id: a decommissioned executor may be reported removed more than once.
    Set<String> added = ConcurrentHashMap.newKeySet();
    Set<String> removed = ConcurrentHashMap.newKeySet();
    AtomicInteger peak = new AtomicInteger();
    sc.addSparkListener(new SparkListener() {
      @Override
      public void onExecutorAdded(SparkListenerExecutorAdded event) {
        added.add(event.executorId());
        int live = (int) added.stream().filter(id -> !removed.contains(id)).count();
        peak.accumulateAndGet(live, Math::max);
      }

      @Override
      public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
        removed.add(event.executorId());
      }
    });
    // No shuffle, so shuffle tracking holds no executor once the job is done.
    context.spark().range(0, 100_000, 1, 8).javaRDD().foreachPartition(rows -> {
      long sum = 0;
      while (rows.hasNext()) {
        sum += rows.next();
      }
      if (sum < 0) {
        throw new IllegalStateException("overflow");
      }
    });
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (sc.statusTracker().getExecutorInfos().length > 1 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200); // polling a condition with a deadline: Spark releases idle executors on its own clock
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    int remaining = sc.statusTracker().getExecutorInfos().length - 1;
    context.log().info("dynamic allocation: {} executors added, at most {} at once, {} removed, {} left",
        added.size(), peak.get(), removed.size(), remaining);
  }
}
