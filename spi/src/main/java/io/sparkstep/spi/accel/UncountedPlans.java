package io.sparkstep.spi.accel;

import java.util.function.Supplier;

/**
 * Work of Sparkstep's own that runs Spark queries on the step's thread but is no part of the step's plans: saving
 * and loading Spark ML models (ML persistence writes its metadata as a text file and tree models as small Parquet
 * tables). RAPIDS explains every query it plans, so without this a training step's explain would list a handful of
 * one-row writes ("text output is not supported") among the ETL operators it is asked about.
 *
 * <p>Thread-scoped: RAPIDS logs its explanation on the thread that plans the query, which is the thread that called
 * the save. Plans that Comet coverage reads in run mode come from a listener on Spark's listener bus and are still
 * counted; those writes are a few rows each.
 */
public final class UncountedPlans {
  private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);

  private UncountedPlans() {
  }

  /** Runs {@code work} with the plans it executes on this thread left out of accelerator coverage. */
  public static <T> T run(Supplier<T> work) {
    DEPTH.set(DEPTH.get() + 1);
    try {
      return work.get();
    } finally {
      int depth = DEPTH.get() - 1;
      if (depth == 0) {
        DEPTH.remove();
      } else {
        DEPTH.set(depth);
      }
    }
  }

  /** Whether this thread is inside {@link #run}. */
  static boolean active() {
    return DEPTH.get() > 0;
  }
}
