package io.sparkstep.flavor.azureml;

import io.sparkstep.api.RunState;
import java.util.Map;

/**
 * Azure ML job status (properties.status of the jobs API) mapped onto the contract, in one place.
 *
 * <pre>
 *   NotStarted, Starting, Provisioning, Preparing, Queued           -> SUBMITTED
 *   Running, Finalizing, CancelRequested, Paused, NotResponding      -> RUNNING
 *   Completed                                                        -> SUCCEEDED
 *   Failed                                                           -> FAILED
 *   Canceled                                                         -> CANCELLED
 *   Unknown, anything new                                            -> UNKNOWN
 * </pre>
 */
final class AzureMlStates {
  static final Map<String, RunState> TABLE = Map.ofEntries(
      Map.entry("NotStarted", RunState.SUBMITTED),
      Map.entry("Starting", RunState.SUBMITTED),
      Map.entry("Provisioning", RunState.SUBMITTED),
      Map.entry("Preparing", RunState.SUBMITTED),
      Map.entry("Queued", RunState.SUBMITTED),
      Map.entry("Running", RunState.RUNNING),
      Map.entry("Finalizing", RunState.RUNNING),
      Map.entry("CancelRequested", RunState.RUNNING),
      Map.entry("Paused", RunState.RUNNING),
      Map.entry("NotResponding", RunState.RUNNING),
      Map.entry("Completed", RunState.SUCCEEDED),
      Map.entry("Failed", RunState.FAILED),
      Map.entry("Canceled", RunState.CANCELLED));

  private AzureMlStates() {
  }

  static RunState of(String status) {
    return status == null ? RunState.UNKNOWN : TABLE.getOrDefault(status, RunState.UNKNOWN);
  }
}
