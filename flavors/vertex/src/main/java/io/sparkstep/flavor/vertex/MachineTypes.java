package io.sparkstep.flavor.vertex;

import java.util.List;
import java.util.Optional;

/**
 * The table from a step's cpu, memory and GPUs to a Vertex AI training machine type: the smallest listed machine that
 * has at least what the step asks for. GPUs are attached to the machine family Vertex pairs them with (T4 on N1, L4
 * on G2, A100 on A2, H100 on A3); other accelerator types need an explicit machine type.
 */
final class MachineTypes {
  /** One machine type: vCPUs, memory in GiB, and the accelerator count it carries or accepts (0 = CPU only). */
  record Machine(String type, int cpus, double memoryGiB, int gpus) {
  }

  /** CPU machines; the choice is the one with the fewest vCPUs, then the least memory, that fits. */
  static final List<Machine> CPU = List.of(
      new Machine("e2-standard-4", 4, 16, 0),
      new Machine("e2-standard-8", 8, 32, 0),
      new Machine("e2-standard-16", 16, 64, 0),
      new Machine("e2-standard-32", 32, 128, 0),
      new Machine("n1-highmem-16", 16, 104, 0),
      new Machine("n1-highmem-32", 32, 208, 0),
      new Machine("n1-highmem-64", 64, 416, 0),
      new Machine("n1-highmem-96", 96, 624, 0));

  /** N1 machines take 1, 2 or 4 T4s (and V100/P100/P4); the GPU count is independent of the machine. */
  static final List<Machine> N1_FOR_GPUS = List.of(
      new Machine("n1-standard-4", 4, 15, 4),
      new Machine("n1-standard-8", 8, 30, 4),
      new Machine("n1-standard-16", 16, 60, 4),
      new Machine("n1-standard-32", 32, 120, 4),
      new Machine("n1-highmem-16", 16, 104, 4),
      new Machine("n1-highmem-32", 32, 208, 4));

  /** G2 machines carry a fixed number of L4s. */
  static final List<Machine> G2_L4 = List.of(
      new Machine("g2-standard-4", 4, 16, 1),
      new Machine("g2-standard-8", 8, 32, 1),
      new Machine("g2-standard-12", 12, 48, 1),
      new Machine("g2-standard-16", 16, 64, 1),
      new Machine("g2-standard-32", 32, 128, 1),
      new Machine("g2-standard-24", 24, 96, 2),
      new Machine("g2-standard-48", 48, 192, 4),
      new Machine("g2-standard-96", 96, 384, 8));

  /** A2 high-GPU machines carry a fixed number of A100 40GB. */
  static final List<Machine> A2_A100 = List.of(
      new Machine("a2-highgpu-1g", 12, 85, 1),
      new Machine("a2-highgpu-2g", 24, 170, 2),
      new Machine("a2-highgpu-4g", 48, 340, 4),
      new Machine("a2-highgpu-8g", 96, 680, 8));

  /** A3 high-GPU machines carry a fixed number of H100 80GB. */
  static final List<Machine> A3_H100 = List.of(
      new Machine("a3-highgpu-1g", 26, 234, 1),
      new Machine("a3-highgpu-2g", 52, 468, 2),
      new Machine("a3-highgpu-4g", 104, 936, 4),
      new Machine("a3-highgpu-8g", 208, 1872, 8));

  private MachineTypes() {
  }

  /**
   * Most vCPUs an N1 machine may have with {@code gpus} of {@code acceleratorType} attached (Compute Engine's GPU
   * table: V100 12 per GPU, P100 16, P4 24 per GPU, T4 48 for 1-2 and 96 for 4); -1 when the type is not an N1 GPU.
   */
  static int maxN1Cpus(String acceleratorType, int gpus) {
    switch (acceleratorType) {
      case "NVIDIA_TESLA_V100":
        return 12 * gpus;
      case "NVIDIA_TESLA_P100":
        return 16 * gpus;
      case "NVIDIA_TESLA_P4":
        return 24 * gpus;
      case "NVIDIA_TESLA_T4":
        return gpus <= 2 ? 48 : 96;
      default:
        return -1;
    }
  }

  /** vCPUs of an N1 machine type such as n1-standard-16, or -1. */
  static int n1Cpus(String machineType) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("n1-(standard|highmem|highcpu)-(\\d+)").matcher(machineType);
    return m.matches() ? Integer.parseInt(m.group(2)) : -1;
  }

  /** The GPU counts Vertex accepts on N1 machines. */
  static boolean n1AcceptsGpuCount(int gpus) {
    return gpus == 1 || gpus == 2 || gpus == 4;
  }

  /**
   * The smallest machine for the request, or empty when nothing in the table fits (the caller refuses the spec).
   *
   * @param acceleratorType the Vertex accelerator type name, used only when {@code gpus > 0}
   */
  static Optional<Machine> choose(int cpus, double memoryGiB, int gpus, String acceleratorType) {
    List<Machine> candidates;
    if (gpus <= 0) {
      candidates = CPU;
    } else {
      switch (acceleratorType) {
        case "NVIDIA_TESLA_T4", "NVIDIA_TESLA_V100", "NVIDIA_TESLA_P100", "NVIDIA_TESLA_P4" -> {
          if (!n1AcceptsGpuCount(gpus)) {
            return Optional.empty();
          }
          candidates = N1_FOR_GPUS;
        }
        case "NVIDIA_L4" -> candidates = G2_L4;
        case "NVIDIA_TESLA_A100" -> candidates = A2_A100;
        case "NVIDIA_H100_80GB" -> candidates = A3_H100;
        default -> {
          return Optional.empty();
        }
      }
    }
    boolean fixedGpus = candidates != CPU && candidates != N1_FOR_GPUS;
    return candidates.stream()
        .filter(m -> m.cpus() >= cpus && m.memoryGiB() >= memoryGiB)
        .filter(m -> gpus <= 0 || (fixedGpus ? m.gpus() == gpus : m.gpus() >= gpus))
        .min(java.util.Comparator.comparingInt(Machine::cpus).thenComparingDouble(Machine::memoryGiB));
  }
}
