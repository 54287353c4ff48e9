package io.sparkstep.flavor.kubernetes.features;

import java.util.Map;
import org.apache.spark.network.util.JavaUtils;

/**
 * Executor pod memory for what the RAPIDS Accelerator allocates outside the JVM heap: its pinned host memory pool
 * ({@value #PINNED_POOL}, 2g in {@code spark-conf/gpu.conf}). Spark sizes an executor pod as heap plus
 * {@code spark.executor.memoryOverhead} and knows nothing of the pool, so a busy GPU executor would pass its memory
 * limit and be OOMKilled. The overhead becomes the one Spark would use (the step's, else Spark's default of
 * max({@value #MIN_OVERHEAD}, {@value #OVERHEAD_FACTOR} of the heap)) plus the pool. Runs after the conf overrides, so
 * it sees the pool size and overhead the step really asks for.
 */
final class PinnedMemoryFeatureStep implements KubernetesFeatureStep {
  static final String PINNED_POOL = "spark.rapids.memory.pinnedPool.size";
  static final String OVERHEAD = "spark.executor.memoryOverhead";
  /** Spark's defaults (spark.executor.minMemoryOverhead, spark.executor.memoryOverheadFactor, spark.executor.memory). */
  static final String MIN_OVERHEAD = "384m";
  static final double OVERHEAD_FACTOR = 0.1;
  private static final String EXECUTOR_MEMORY = "1g";

  @Override
  public void configure(SubmissionPlan plan) {
    Map<String, String> conf = plan.sparkConf();
    if (!"rapids".equals(plan.accelerator()) || !plan.wantsGpus() || conf.get(PINNED_POOL) == null) {
      return;
    }
    long pool = mebibytes(plan, PINNED_POOL);
    long overhead = conf.containsKey(OVERHEAD) ? mebibytes(plan, OVERHEAD)
        : Math.max(mebibytes(conf.getOrDefault("spark.executor.minMemoryOverhead", MIN_OVERHEAD)),
            (long) (factor(conf) * mebibytes(conf.getOrDefault("spark.executor.memory", EXECUTOR_MEMORY))));
    if (pool > 0 && overhead >= 0) {
      conf.put(OVERHEAD, (overhead + pool) + "m");
    }
  }

  private static double factor(Map<String, String> conf) {
    try {
      return Double.parseDouble(conf.getOrDefault("spark.executor.memoryOverheadFactor",
          Double.toString(OVERHEAD_FACTOR)));
    } catch (NumberFormatException e) {
      return OVERHEAD_FACTOR;
    }
  }

  private static long mebibytes(SubmissionPlan plan, String key) {
    String value = plan.sparkConf().get(key);
    try {
      return mebibytes(value);
    } catch (NumberFormatException e) {
      plan.refuse("sparkConf." + key, "'" + value + "' is not a memory size", "e.g. 2g or 512m");
      return -1;
    }
  }

  private static long mebibytes(String size) {
    return JavaUtils.byteStringAsMb(size.trim());
  }
}
