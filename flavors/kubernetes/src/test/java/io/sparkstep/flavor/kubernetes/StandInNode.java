package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * SIMULATED: one node of the stand-in cluster, with what the scheduler compares pods against: allocatable CPU,
 * memory and GPUs, labels for node selectors, and the taint GPU nodes usually carry. Nothing is enforced on the
 * processes (the machine has 2 cores); these are the numbers the scheduler places pods by.
 */
record StandInNode(String name, int cpus, long memoryMib, int gpus, Map<String, String> labels) {
  static final String GPU = "nvidia.com/gpu";

  static StandInNode cpu(String name, int cpus, long memoryMib) {
    return new StandInNode(name, cpus, memoryMib, 0, Map.of("kubernetes.io/hostname", name));
  }

  /** A GPU node, tainted {@code nvidia.com/gpu=present:NoSchedule} as GPU node pools usually are. */
  static StandInNode gpu(String name, int cpus, long memoryMib, int gpus) {
    return new StandInNode(name, cpus, memoryMib, gpus, Map.of("kubernetes.io/hostname", name,
        "nvidia.com/gpu.present", "true"));
  }

  boolean tainted() {
    return gpus > 0;
  }

  /** What a pod asks for: the sum over its containers (requests; a limit alone implies the request). */
  record Demand(long milliCpu, long memoryMib, int gpus) {
    static Demand of(Pod pod) {
      long cpu = 0;
      long memory = 0;
      int gpus = 0;
      for (Container c : pod.getSpec().getContainers()) {
        Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
        cpu += amount(requests, limits, "cpu").multiply(BigDecimal.valueOf(1000)).longValue();
        memory += amount(requests, limits, "memory").divide(BigDecimal.valueOf(1024 * 1024)).longValue();
        gpus += amount(requests, limits, GPU).intValue();
      }
      return new Demand(cpu, memory, gpus);
    }

    private static BigDecimal amount(Map<String, Quantity> requests, Map<String, Quantity> limits, String key) {
      Quantity q = requests != null && requests.containsKey(key) ? requests.get(key)
          : limits != null ? limits.get(key) : null;
      return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
    }

    Demand plus(Demand other) {
      return new Demand(milliCpu + other.milliCpu, memoryMib + other.memoryMib, gpus + other.gpus);
    }
  }

  /**
   * Why the pod cannot go on this node given what is already placed there, in the scheduler's words; null when it
   * fits.
   */
  String misfit(Pod pod, Demand used) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null && !selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
      return "node(s) didn't match Pod's node affinity/selector";
    }
    if (tainted() && !tolerates(pod.getSpec().getTolerations())) {
      return "node(s) had untolerated taint {" + GPU + ": present}";
    }
    Demand want = Demand.of(pod);
    if (want.gpus() > 0 && used.gpus() + want.gpus() > gpus) {
      return "Insufficient " + GPU;
    }
    if (used.milliCpu() + want.milliCpu() > cpus * 1000L) {
      return "Insufficient cpu";
    }
    if (used.memoryMib() + want.memoryMib() > memoryMib) {
      return "Insufficient memory";
    }
    return null;
  }

  private static boolean tolerates(List<Toleration> tolerations) {
    return tolerations != null && tolerations.stream().anyMatch(t -> GPU.equals(t.getKey())
        && ("Exists".equals(t.getOperator()) || "present".equals(t.getValue()))
        && (t.getEffect() == null || "NoSchedule".equals(t.getEffect())));
  }
}
