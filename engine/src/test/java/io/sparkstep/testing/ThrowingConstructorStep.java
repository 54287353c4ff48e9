package io.sparkstep.testing;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** A broken step: its constructor throws. Validation must name it in one line. */
public class ThrowingConstructorStep implements Step {
  public ThrowingConstructorStep() {
    throw new IllegalStateException("constructor exploded on purpose");
  }

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-throwing-constructor").build();
  }

  @Override
  public void run(StepContext context) {
  }
}
