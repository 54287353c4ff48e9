package io.sparkstep.bench.workloads;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** A trivial step (one row out) whose run time is all launch overhead: the launch-latency workload. */
public final class NoopStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("bench-noop").description("benchmark: one row, for launch latency")
        .output("out", "one row").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", context.spark().range(1).toDF());
  }
}
