package io.sparkstep.api;

/**
 * Resources a step asked for, as the step sees them at run time. The flavor that launched it mapped each one to
 * Spark conf or platform settings, or refused the run.
 */
public interface Resources {
  /** Driver cores (local: the N of local[N]); 0 when not set. */
  int cpu();

  /** Driver memory, Spark notation such as "4g"; null when not set. */
  String memory();

  /** GPUs per executor; 0 when none. */
  int gpus();

  /** Executor count; 0 when not set. */
  int executors();
}
