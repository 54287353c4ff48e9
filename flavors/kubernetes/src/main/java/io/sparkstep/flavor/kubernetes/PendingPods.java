package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pods of a run that no node can take: the scheduler marks them {@code PodScheduled=False, Unschedulable} with its
 * reason ("0/3 nodes are available: 3 Insufficient nvidia.com/gpu."). Spark's driver waits for its executors for
 * ever, so a run whose driver or executor pod stays unschedulable longer than {@code pendingTimeoutSeconds} FAILS
 * with that reason. Decided from the pods alone (the condition's transition time), so any process reaches the same
 * verdict.
 */
final class PendingPods {
  private PendingPods() {
  }

  /** One unschedulable pod: its name, the scheduler's words, since when. */
  record Unschedulable(String pod, String reason, Instant since) {
    String describe() {
      return "pod " + pod + " cannot be scheduled: " + reason;
    }

    /** The failure once the pod waited longer than the timeout (0: wait for ever); empty while within it. */
    Optional<String> failure(Instant now, long timeoutSeconds) {
      if (timeoutSeconds <= 0 || Duration.between(since, now).getSeconds() < timeoutSeconds) {
        return Optional.empty();
      }
      return Optional.of(describe() + " (unschedulable for more than pendingTimeoutSeconds=" + timeoutSeconds
          + "; free or add nodes with what the pod asks for, or ask for less)");
    }
  }

  /** The pod of the run that has been unschedulable longest, if any. */
  static Optional<Unschedulable> longest(List<Pod> pods) {
    return pods.stream().map(PendingPods::of).flatMap(Optional::stream)
        .min(Comparator.comparing(Unschedulable::since));
  }

  static Optional<Unschedulable> of(Pod pod) {
    if (pod.getStatus() == null || !"Pending".equals(pod.getStatus().getPhase())
        || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
          && "Unschedulable".equals(c.getReason())) {
        return Optional.of(new Unschedulable(pod.getMetadata().getName(),
            c.getMessage() == null ? "Unschedulable" : c.getMessage(), since(c, pod)));
      }
    }
    return Optional.empty();
  }

  private static Instant since(PodCondition c, Pod pod) {
    for (String time : new String[] {c.getLastTransitionTime(), pod.getMetadata().getCreationTimestamp()}) {
      if (time != null) {
        try {
          return Instant.parse(time);
        } catch (DateTimeParseException e) {
          // try the next one
        }
      }
    }
    return Instant.now();
  }
}
