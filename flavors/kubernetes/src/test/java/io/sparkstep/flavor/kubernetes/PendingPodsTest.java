package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pending verdict from pods alone: which pod no node takes, since when, and when the run gives up. */
class PendingPodsTest {
  static Pod pod(String name, String phase, String scheduled, String since) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withPhase(phase)
        .endStatus();
    if (scheduled != null) {
      b.editStatus().addNewCondition().withType("PodScheduled").withStatus(scheduled)
          .withReason("False".equals(scheduled) ? "Unschedulable" : null)
          .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.").withLastTransitionTime(since)
          .endCondition().endStatus();
    }
    return b.build();
  }

  @Test
  void theLongestUnschedulablePodFailsTheRunOnlyAfterTheTimeout() {
    List<Pod> pods = List.of(pod("driver", "Running", "True", "2026-12-01T10:00:00Z"),
        pod("exec-2", "Pending", "False", "2026-12-01T10:00:30Z"),
        pod("exec-1", "Pending", "False", "2026-12-01T10:00:10Z"));
    PendingPods.Unschedulable u = PendingPods.longest(pods).orElseThrow();
    assertEquals("exec-1", u.pod());
    assertEquals("pod exec-1 cannot be scheduled: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
        u.describe());
    assertEquals(Optional.empty(), u.failure(Instant.parse("2026-12-01T10:10:09Z"), 600), "within the timeout");
    String failure = u.failure(Instant.parse("2026-12-01T10:10:10Z"), 600).orElseThrow();
    assertTrue(failure.contains("Insufficient nvidia.com/gpu") && failure.contains("pendingTimeoutSeconds=600"),
        failure);
    assertEquals(Optional.empty(), u.failure(Instant.parse("2030-01-01T00:00:00Z"), 0), "0 waits for ever");
  }

  @Test
  void scheduledOrStartingPodsAreNotUnschedulable() {
    assertEquals(Optional.empty(), PendingPods.longest(List.of(pod("a", "Pending", null, null),
        pod("b", "Pending", "True", "2026-12-01T10:00:00Z"), pod("c", "Failed", "False", "2026-12-01T10:00:00Z"))));
  }
}
