package io.sparkstep.docker.userstep;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/**
 * A user's own step, the way the image README says to add one: its jar copied into {@code /opt/sparkstep/jars/} of an
 * image built on the step image. ImageTreeTest jars this class alone, so it loads only from that jar.
 */
public final class ImageProbeStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("image-probe")
        .description("writes 'rows' numbers, or fails when 'fail' is true")
        .param(ParamDef.longParam("rows").defaultValue(10L).min(1).description("rows to write"))
        .param(ParamDef.booleanParam("fail").defaultValue(false).description("fail instead of writing"))
        .output("numbers", "one row per number")
        .build();
  }

  @Override
  public void run(StepContext context) {
    if (context.params().getBoolean("fail")) {
      throw new IllegalStateException("image-probe failed as asked");
    }
    context.output("numbers", context.spark().range(context.params().getLong("rows")).toDF("n"));
  }
}
