package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.api.RunState;
import java.util.Map;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * How Spark's states map onto the run states of the contract. The step's own record, written by the entrypoint in
 * the driver, decides between SUCCEEDED, FAILED and CANCELLED whenever it exists; these tables decide the rest.
 *
 * <pre>
 * client mode: SparkAppHandle.State         cluster mode: standalone master driver state
 *   UNKNOWN, CONNECTED, SUBMITTED -> SUBMITTED     SUBMITTED             -> SUBMITTED
 *   RUNNING                      -> RUNNING        RUNNING, RELAUNCHING  -> RUNNING
 *   FINISHED  (exit 0)           -> SUCCEEDED*     FINISHED              -> SUCCEEDED*
 *   FAILED    (exit != 0)        -> FAILED         FAILED, ERROR         -> FAILED
 *   KILLED                       -> CANCELLED      KILLED                -> CANCELLED
 *   LOST      (exit, no report)  -> FAILED         UNKNOWN (master lost) -> UNKNOWN
 * </pre>
 * (*) only with the driver's final record saying SUCCEEDED: an application that ended without one did not run
 * the step to the end, so it is FAILED with that cause.
 */
final class SparkStates {
  static final Map<SparkAppHandle.State, RunState> CLIENT = Map.of(
      SparkAppHandle.State.UNKNOWN, RunState.SUBMITTED,
      SparkAppHandle.State.CONNECTED, RunState.SUBMITTED,
      SparkAppHandle.State.SUBMITTED, RunState.SUBMITTED,
      SparkAppHandle.State.RUNNING, RunState.RUNNING,
      SparkAppHandle.State.FINISHED, RunState.SUCCEEDED,
      SparkAppHandle.State.FAILED, RunState.FAILED,
      SparkAppHandle.State.KILLED, RunState.CANCELLED,
      SparkAppHandle.State.LOST, RunState.FAILED);

  static final Map<String, RunState> CLUSTER = Map.of(
      "SUBMITTED", RunState.SUBMITTED,
      "RUNNING", RunState.RUNNING,
      "RELAUNCHING", RunState.RUNNING,
      "FINISHED", RunState.SUCCEEDED,
      "FAILED", RunState.FAILED,
      "ERROR", RunState.FAILED,
      "KILLED", RunState.CANCELLED,
      "UNKNOWN", RunState.UNKNOWN);

  private SparkStates() {
  }

  static RunState ofClient(SparkAppHandle.State state) {
    return CLIENT.getOrDefault(state, RunState.UNKNOWN);
  }

  static RunState ofDriver(String state) {
    return CLUSTER.getOrDefault(state, RunState.UNKNOWN);
  }
}
