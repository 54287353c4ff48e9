package io.sparkstep.testing;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** Writes ids 0..rows-1 to {@code out}: the smallest data a table version can hold. */
public class RangeStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-range").param(ParamDef.intParam("rows")).output("out", "ids").build();
  }

  @Override
  public void run(StepContext context) {
    context.output("out", context.spark().range(context.params().getInt("rows")).toDF());
  }
}
