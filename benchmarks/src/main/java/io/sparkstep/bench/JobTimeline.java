package io.sparkstep.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * When Spark jobs ran in this JVM's SparkContext, from the listener bus (the events the Spark UI and the event log
 * are made of). Splits a measured wall time into time inside Spark jobs and time outside them (planning, file
 * commits and renames, run records, session setup), which is where an engine's overhead can hide.
 */
final class JobTimeline extends SparkListener {
  private final Map<Integer, Long> started = new ConcurrentHashMap<>();
  private final List<long[]> finished = new ArrayList<>();

  static JobTimeline attach(SparkContext context) {
    JobTimeline timeline = new JobTimeline();
    context.addSparkListener(timeline);
    return timeline;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    started.put(jobStart.jobId(), jobStart.time());
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd jobEnd) {
    Long start = started.remove(jobEnd.jobId());
    if (start != null) {
      synchronized (finished) {
        finished.add(new long[] {start, jobEnd.time()});
      }
    }
  }

  /**
   * Milliseconds in [fromMillis, toMillis] (epoch) during which at least one job ran. The listener bus delivers
   * events asynchronously: call after the measured code returned and give it a moment.
   */
  long jobMillis(long fromMillis, long toMillis) {
    List<long[]> jobs;
    synchronized (finished) {
      jobs = new ArrayList<>(finished);
    }
    jobs.sort(Comparator.comparingLong(j -> j[0]));
    long total = 0;
    long coveredUntil = fromMillis;
    for (long[] job : jobs) {
      long start = Math.max(job[0], coveredUntil);
      long end = Math.min(job[1], toMillis);
      if (end > start) {
        total += end - start;
        coveredUntil = end;
      }
    }
    return total;
  }
}
