package io.sparkstep.flavor.kubernetes;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import io.sparkstep.spi.record.RunRecord;
import java.time.Instant;
import java.util.Objects;

/**
 * Pods of the run that wait: the reason goes into the record ({@code waiting}, shown by {@code runs status}: image
 * pull errors, missing Secrets, no node with a GPU); a driver or executor pod that no node takes fails the run past
 * {@code pendingTimeoutSeconds} (Spark would wait for an executor for ever), and its pods are removed.
 */
final class PendingPodWatch {
  private final KubernetesRun run;
  private final KubernetesSettings settings;
  /** The run's pod no node takes, as last seen (executors included). */
  private volatile String unschedulable;

  PendingPodWatch(KubernetesRun run, KubernetesSettings settings) {
    this.run = run;
    this.settings = settings;
  }

  /** Lists the run's pods; fails the run past the pending timeout (recorded before the delete). */
  void check() {
    if (run.isDone()) {
      return;
    }
    RunRecord record = run.context().record();
    var pods = run.client().pods().inNamespace(run.namespace()).withLabel(SubmissionPlan.RUN_LABEL,
        SubmissionPlan.labelValue(record.runId)).list().getItems();
    var stuck = PendingPods.longest(pods);
    String now = stuck.map(PendingPods.Unschedulable::describe).orElse(null);
    if (!Objects.equals(unschedulable, now)) {
      unschedulable = now;
      report(run.pod().get());
    }
    var failure = stuck.flatMap(u -> u.failure(Instant.now(), settings.pendingTimeoutSeconds()));
    if (failure.isPresent()) {
      // Recorded before the delete, so whoever sees the driver pod gone knows why.
      run.context().updateAndSave(current ->
          current.platformHandle(DriverPodOutcome.of(current).unschedulable(failure.get())));
      run.pod().delete();
    }
  }

  /** Records why the driver pod (or, failing that, a pod no node takes) waits; removes the reason once gone. */
  void report(Pod pod) {
    if (pod == null) {
      return;
    }
    var waiting = DriverPodStates.waiting(pod);
    String reason = waiting == null ? null : waiting.getReason() + (waiting.getMessage() == null ? ""
        : ": " + waiting.getMessage());
    if (reason == null && pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      reason = pod.getStatus().getConditions().stream()
          .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
          .map(c -> c.getReason() + ": " + c.getMessage()).findFirst().orElse(null);
    }
    if (reason == null) {
      reason = unschedulable;
    }
    RunRecord record = run.context().record();
    String before = record.platform.get(RunRecord.WAITING);
    if (!Objects.equals(reason, before)) {
      String why = reason;
      run.context().updateAndSave(current -> current.waiting(why));
    }
  }
}
