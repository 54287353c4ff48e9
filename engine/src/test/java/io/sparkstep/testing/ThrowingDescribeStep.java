package io.sparkstep.testing;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** A broken step: describe() throws. Validation must name it in one line. */
public class ThrowingDescribeStep implements Step {
  @Override
  public StepDescriptor describe() {
    throw new IllegalStateException("describe exploded on purpose");
  }

  @Override
  public void run(StepContext context) {
  }
}
