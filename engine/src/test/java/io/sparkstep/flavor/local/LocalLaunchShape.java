package io.sparkstep.flavor.local;

import io.sparkstep.runtime.SparkSessionFactory;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;

/** What the local flavor makes of a spec's resources, for the contract's resource walk: the master and the heap. */
public final class LocalLaunchShape {
  private LocalLaunchShape() {
  }

  /** The Spark master a run gets, and the -Xmx of its child JVM (in process, the heap memory is checked against). */
  public static String of(StepSpec spec, OperatorConfig config) {
    return "master " + SparkSessionFactory.defaultLocalMaster(spec) + ", child JVM "
        + ChildProcessRun.heapFlag(spec, config).orElse("with the default heap");
  }
}
