package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.spi.accel.Accelerator;
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
  private static final String MIN_OVERHEAD_KEY = "spark.executor.minMemoryOverhead";
  private static final String EXECUTOR_MEMORY_KEY = "spark.executor.memory";

  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = plan.sparkConf();
    if (plan.accelerator() != Accelerator.RAPIDS || !plan.wantsGpus() || conf.get(PINNED_POOL) == null) {
      return plan;
    }
    Long pool = mebibytes(conf.get(PINNED_POOL));
    if (pool == null) {
      return notASize(plan, PINNED_POOL);
    }
    long overhead;
    if (conf.containsKey(OVERHEAD)) {
      Long own = mebibytes(conf.get(OVERHEAD));
      if (own == null) {
        return notASize(plan, OVERHEAD);
      }
      overhead = own;
    } else {
      Long min = mebibytes(conf.getOrDefault(MIN_OVERHEAD_KEY, MIN_OVERHEAD));
      if (min == null) {
        return notASize(plan, MIN_OVERHEAD_KEY);
      }
      Long heap = mebibytes(conf.getOrDefault(EXECUTOR_MEMORY_KEY, EXECUTOR_MEMORY));
      if (heap == null) {
        return notASize(plan, EXECUTOR_MEMORY_KEY);
      }
      overhead = Math.max(min, (long) (factor(conf) * heap));
    }
    return pool > 0 ? plan.withConf(OVERHEAD, (overhead + pool) + "m") : plan;
  }

  private static SubmissionPlan notASize(SubmissionPlan plan, String key) {
    return plan.refuse("sparkConf." + key, "'" + plan.sparkConf().get(key) + "' is not a memory size",
        "e.g. 2g or 512m");
  }

  private static double factor(Map<String, String> conf) {
    try {
      return Double.parseDouble(conf.getOrDefault("spark.executor.memoryOverheadFactor",
          Double.toString(OVERHEAD_FACTOR)));
    } catch (NumberFormatException e) {
      return OVERHEAD_FACTOR;
    }
  }

  /** The size in MiB, null when it is none. */
  private static Long mebibytes(String size) {
    try {
      return JavaUtils.byteStringAsMb(size.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
