package io.sparkstep.api;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;

/** Everything a running step may use. Created by the engine for one run. */
public interface StepContext {

  SparkSession spark();

  /** Validated parameters, defaults applied, typed per the step's {@link ParamDef}s. */
  Params params();

  /** Reads the named input declared by the step (format and options from the spec). */
  Dataset<Row> input(String name);

  /**
   * Writes the named output to a staging location. It is moved to its final URI only when the whole step
   * succeeds, so a failure leaves nothing half-written there.
   */
  void output(String name, Dataset<Row> data);

  /**
   * Stages a fitted Spark ML model (any {@code org.apache.spark.ml.util.MLWritable}: a {@code PipelineModel}, a
   * fitted estimator) as the named model output. Like a dataset output it is saved to a staging location and moved to
   * its URI only when the whole step succeeds, together with every other output. Typed {@code Object} so the engine
   * does not depend on Spark ML; anything that is not MLWritable is refused.
   */
  void outputModel(String name, Object model);

  /**
   * Loads the named model input with the {@code MLReadable} of the class stored with it, checked to be a
   * {@code type} (and the class the step declared), e.g. {@code inputModel("model", PipelineModel.class)}.
   */
  <M> M inputModel(String name, Class<M> type);

  /** Records a number (an evaluation figure, a count) in the run record, shown by {@code runs status}. */
  void metric(String name, double value);

  /** Records a small map of numbers (per-class figures, say) under one metric name. */
  void metric(String name, java.util.Map<String, ? extends Number> values);

  Resources resources();

  String runId();

  /** Logger whose lines land in the run's log, wherever the step runs. */
  Logger log();

  /** True once the run was asked to stop; long loops in a step may check it. */
  boolean cancelRequested();
}
