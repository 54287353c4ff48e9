package io.sparkstep.flavor.kubernetes.features;

import java.util.Locale;

/**
 * {@code spark.task.resource.gpu.amount} for executors with G GPUs and C cores, so that every core can run a task:
 * 1/n with n tasks sharing a GPU (n = ceil(C/G)), or whole GPUs per task when there are at least as many GPUs as
 * cores. Spark accepts only such amounts: a fraction must divide a GPU evenly.
 */
public final class GpuTaskAmount {
  private GpuTaskAmount() {
  }

  public static String of(int gpus, int executorCores) {
    if (gpus >= executorCores) {
      return Integer.toString(gpus / executorCores);
    }
    int tasksPerGpu = (executorCores + gpus - 1) / gpus;
    String text = String.format(Locale.ROOT, "%.6f", 1.0 / tasksPerGpu);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
