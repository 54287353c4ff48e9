package io.sparkstep.testing;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/** Takes a secret-looking parameter and reports its hash as a metric, so a test knows the step got the value. */
public class SecretParamStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-secret-param")
        .param(ParamDef.stringParam("token").defaultValue("").description("a secret the step needs"))
        .build();
  }

  @Override
  public void run(StepContext context) {
    context.metric("tokenHash", context.params().getString("token").hashCode());
  }
}
