package io.sparkstep.pipeline;

import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;

/**
 * Two steps whose descriptors have model outputs and inputs, for the validator's model-versus-dataset check (the
 * ML samples live in samples-ml, which the engine does not see). Only their descriptors are used.
 */
final class ModelShapedSteps {
  private ModelShapedSteps() {
  }

  /** Writes a model. */
  public static final class Fit implements Step {
    @Override
    public StepDescriptor describe() {
      return StepDescriptor.builder("test-fit").input("data", "rows to fit on")
          .modelOutput("model", "the fitted model").output("summary", "a dataset").build();
    }

    @Override
    public void run(StepContext context) {
      throw new UnsupportedOperationException("a descriptor-only test step");
    }
  }

  /** Reads a model and a dataset. */
  public static final class Apply implements Step {
    @Override
    public StepDescriptor describe() {
      return StepDescriptor.builder("test-apply").input("data", "rows to score")
          .modelInput("model", "the model", "org.apache.spark.ml.Transformer").output("scored", "rows").build();
    }

    @Override
    public void run(StepContext context) {
      throw new UnsupportedOperationException("a descriptor-only test step");
    }
  }
}
