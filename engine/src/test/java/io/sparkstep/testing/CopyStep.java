package io.sparkstep.testing;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** Copies its input to its output: the simplest step with one of each. */
public class CopyStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-copy").input("in", "any data").output("out", "the same rows").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", context.input("in"));
  }
}
