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

  Resources resources();

  String runId();

  /** Logger whose lines land in the run's log, wherever the step runs. */
  Logger log();

  /** True once the run was asked to stop; long loops in a step may check it. */
  boolean cancelRequested();
}
