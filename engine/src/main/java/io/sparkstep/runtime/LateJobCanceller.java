package io.sparkstep.runtime;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Cancels a run's job that starts after the run was cancelled. A cancel cancels the jobs running then (by the run's
 * tag); a step between two jobs, or still planning its first, would otherwise start the next one and run it to its
 * end, since nothing checks the token inside Spark.
 */
final class LateJobCanceller extends SparkListener {
  private final SparkContext sparkContext;
  private final String runTag;
  private final CancelToken cancel;

  LateJobCanceller(SparkContext sparkContext, String runTag, CancelToken cancel) {
    this.sparkContext = sparkContext;
    this.runTag = runTag;
    this.cancel = cancel;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    if (cancel.isRequested() && StepRunner.jobTags(jobStart).contains(runTag)) {
      sparkContext.cancelJob(jobStart.jobId(), "the run was cancelled");
    }
  }
}
