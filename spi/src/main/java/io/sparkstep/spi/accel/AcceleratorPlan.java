package io.sparkstep.spi.accel;

import java.util.List;
import java.util.Map;

/**
 * What a step's accelerator adds to its Spark application: jars to load through {@code spark.jars}/{@code --jars}
 * (resolved to local files or image paths) and Spark conf. Every flavor applies it the same way.
 */
public record AcceleratorPlan(Accelerator accelerator, List<String> jars, Map<String, String> sparkConf) {
  public static AcceleratorPlan none() {
    return new AcceleratorPlan(Accelerator.NONE, List.of(), Map.of());
  }

  public boolean isNone() {
    return accelerator == Accelerator.NONE;
  }
}
