package io.sparkstep.testing;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** Writes part of its output, then throws: the output must never be committed. */
public class FailingStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-failing")
        .param(ParamDef.stringParam("message").defaultValue("boom: the test step failed on purpose"))
        .param(ParamDef.booleanParam("retryable").defaultValue(false))
        .output("out", "written before the failure")
        .build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", context.spark().range(100).toDF());
    String message = context.params().getString("message");
    if (context.params().getBoolean("retryable")) {
      throw new io.sparkstep.api.RetryableStepException(message);
    }
    throw new IllegalStateException(message);
  }
}
