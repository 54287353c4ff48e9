package io.sparkstep.pipeline;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies its input, but fails while the file {@code fixedWhen} does not exist: a bug that a fix later removes. */
public class FailUntilFixedStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-fail-until-fixed")
        .param(ParamDef.stringParam("fixedWhen"))
        .input("in", "any data")
        .output("out", "the same rows")
        .build();
  }

  @Override
  public void run(StepContext context) {
    if (!Files.exists(Path.of(context.params().getString("fixedWhen")))) {
      throw new IllegalStateException("flaky: not fixed yet");
    }
    context.output("out", context.input("in"));
  }
}
