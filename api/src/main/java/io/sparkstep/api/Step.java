package io.sparkstep.api;

/**
 * One unit of pipeline work, run as a Spark job. Implementations need a public no-argument constructor:
 * the entrypoint instantiates them by class name (or by the alias from {@link StepDescriptor#name()}) in
 * whatever environment the step runs.
 *
 * <p>A step declares its parameters, inputs and outputs in {@link #describe()} so a spec can be validated,
 * and listed, before any cluster is touched.
 */
public interface Step {

  /** What this step takes and produces. Called before {@link #run}; must not need Spark. */
  StepDescriptor describe();

  /**
   * Runs the step. Inputs are read with {@link StepContext#input(String)} and results handed to
   * {@link StepContext#output(String, org.apache.spark.sql.Dataset)}; outputs are committed only after this
   * method returns normally. Throwing fails the run and commits nothing.
   */
  void run(StepContext context) throws Exception;
}
