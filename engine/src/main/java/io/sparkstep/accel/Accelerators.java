package io.sparkstep.accel;

import io.sparkstep.spec.InvalidSpecException;
import io.sparkstep.spec.StepSpec;

/** Turns a spec's {@code accelerator} setting into an {@link AcceleratorPlan}. */
public final class Accelerators {
  private Accelerators() {
  }

  public static String nameOf(StepSpec spec) {
    return spec.accelerator == null ? "none" : spec.accelerator;
  }

  /** The plan for the spec; refuses accelerators this build cannot provide. */
  public static AcceleratorPlan plan(StepSpec spec) {
    String name = nameOf(spec);
    if (name.equals("none")) {
      return AcceleratorPlan.none();
    }
    throw new InvalidSpecException("accelerator", "accelerator '" + name + "' is not available in this build",
        "use accelerator none");
  }
}
