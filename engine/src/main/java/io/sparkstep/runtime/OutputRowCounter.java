package io.sparkstep.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts rows written per output from the tasks' output metrics, so the run record can say how many rows each
 * output got without reading the data again. Jobs are attributed to an output by the job tag
 * {@code sparkstep-output-<runId>-<name>} that {@link DefaultStepContext#output} sets around the write. Retried and
 * speculative tasks count once: the last successful attempt of each partition wins.
 */
final class OutputRowCounter extends SparkListener {
  static final String TAG_PREFIX = "sparkstep-output-";
  private final String tagPrefix;
  private final Map<Integer, String> outputByStage = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> rowsByPartition = new ConcurrentHashMap<>();

  OutputRowCounter(String runId) {
    this.tagPrefix = TAG_PREFIX + runId + "-";
  }

  static String tag(String runId, String output) {
    return TAG_PREFIX + runId + "-" + output;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    for (String tag : StepRunner.jobTags(jobStart)) {
      if (tag.startsWith(tagPrefix)) {
        String output = tag.substring(tagPrefix.length());
        scala.collection.Iterator<Object> stages = jobStart.stageIds().iterator();
        while (stages.hasNext()) {
          outputByStage.put((Integer) stages.next(), output);
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    String output = outputByStage.get(taskEnd.stageId());
    if (output == null || taskEnd.taskMetrics() == null || !taskEnd.taskInfo().successful()) {
      return;
    }
    long written = taskEnd.taskMetrics().outputMetrics().recordsWritten();
    rowsByPartition.computeIfAbsent(output, k -> new ConcurrentHashMap<>())
        .put(taskEnd.stageId() + ":" + taskEnd.taskInfo().index(), written);
  }

  /** Rows written to the output, or null when no write task was seen for it. */
  Long rows(String output) {
    Map<String, Long> partitions = rowsByPartition.get(output);
    return partitions == null ? null : partitions.values().stream().mapToLong(Long::longValue).sum();
  }
}
