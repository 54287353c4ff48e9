package io.sparkstep.flavor.vertex;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.remote.InstanceTypeChooser;
import io.sparkstep.spi.remote.InstanceTypeChooser.InstanceType;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Vertex AI training machine types for the SPI's {@link InstanceTypeChooser}, one table per machine family. GPUs are
 * attached to the family Vertex pairs them with (T4, V100, P100 and P4 on N1, L4 on G2, A100 on A2, H100 on A3);
 * other accelerator types need an explicit machine type. Each table is ordered by vCPUs, then memory, so the first row
 * that fits is the one with the fewest vCPUs.
 */
final class MachineTypes {
  /** CPU machines. */
  static final InstanceTypeChooser CPU = new InstanceTypeChooser(List.of(
      new InstanceType("e2-standard-4", 4, 16, 0),
      new InstanceType("e2-standard-8", 8, 32, 0),
      new InstanceType("e2-standard-16", 16, 64, 0),
      new InstanceType("n1-highmem-16", 16, 104, 0),
      new InstanceType("e2-standard-32", 32, 128, 0),
      new InstanceType("n1-highmem-32", 32, 208, 0),
      new InstanceType("n1-highmem-64", 64, 416, 0),
      new InstanceType("n1-highmem-96", 96, 624, 0)));

  /** N1 machines take 1, 2 or 4 T4s (and V100/P100/P4): a row's GPUs are the most it accepts, not what it carries. */
  static final InstanceTypeChooser N1_FOR_GPUS = new InstanceTypeChooser(List.of(
      new InstanceType("n1-standard-4", 4, 15, 4),
      new InstanceType("n1-standard-8", 8, 30, 4),
      new InstanceType("n1-standard-16", 16, 60, 4),
      new InstanceType("n1-highmem-16", 16, 104, 4),
      new InstanceType("n1-standard-32", 32, 120, 4),
      new InstanceType("n1-highmem-32", 32, 208, 4)));

  /** G2 machines carry a fixed number of L4s. */
  static final InstanceTypeChooser G2_L4 = new InstanceTypeChooser(List.of(
      new InstanceType("g2-standard-4", 4, 16, 1),
      new InstanceType("g2-standard-8", 8, 32, 1),
      new InstanceType("g2-standard-12", 12, 48, 1),
      new InstanceType("g2-standard-16", 16, 64, 1),
      new InstanceType("g2-standard-24", 24, 96, 2),
      new InstanceType("g2-standard-32", 32, 128, 1),
      new InstanceType("g2-standard-48", 48, 192, 4),
      new InstanceType("g2-standard-96", 96, 384, 8)));

  /** A2 high-GPU machines carry a fixed number of A100 40GB. */
  static final InstanceTypeChooser A2_A100 = new InstanceTypeChooser(List.of(
      new InstanceType("a2-highgpu-1g", 12, 85, 1),
      new InstanceType("a2-highgpu-2g", 24, 170, 2),
      new InstanceType("a2-highgpu-4g", 48, 340, 4),
      new InstanceType("a2-highgpu-8g", 96, 680, 8)));

  /** A3 high-GPU machines carry a fixed number of H100 80GB. */
  static final InstanceTypeChooser A3_H100 = new InstanceTypeChooser(List.of(
      new InstanceType("a3-highgpu-1g", 26, 234, 1),
      new InstanceType("a3-highgpu-2g", 52, 468, 2),
      new InstanceType("a3-highgpu-4g", 104, 936, 4),
      new InstanceType("a3-highgpu-8g", 208, 1872, 8)));

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
   * The table's machine for the request (its instanceType not set), or empty when none fits (the caller refuses the
   * spec).
   *
   * @param acceleratorType the Vertex accelerator type name, used only when {@code r.gpus > 0}
   */
  static Optional<String> choose(ResourceSpec r, String acceleratorType) {
    if (r.gpus <= 0) {
      return Optional.ofNullable(CPU.choose(r, null));
    }
    return Optional.ofNullable(switch (acceleratorType) {
      case "NVIDIA_TESLA_T4", "NVIDIA_TESLA_V100", "NVIDIA_TESLA_P100", "NVIDIA_TESLA_P4" ->
          n1AcceptsGpuCount(r.gpus) ? N1_FOR_GPUS.choose(r, null) : null;
      case "NVIDIA_L4" -> G2_L4.choose(r, null, carries(r.gpus));
      case "NVIDIA_TESLA_A100" -> A2_A100.choose(r, null, carries(r.gpus));
      case "NVIDIA_H100_80GB" -> A3_H100.choose(r, null, carries(r.gpus));
      default -> null;
    });
  }

  /** A fixed-count family: the job's acceleratorCount must be the machine's own GPU count. */
  private static Predicate<InstanceType> carries(int gpus) {
    return row -> row.gpus() == gpus;
  }
}
