package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spec.ResourceSpec;
import java.util.List;
import java.util.Locale;

/**
 * The table from a step's cpu, memory and gpus to a SageMaker training instance type: the cheapest listed type that
 * has at least what was asked. A step that names {@code resources.instanceType} skips the table; an operator's
 * {@code instanceType} setting replaces it for steps that name none.
 */
final class InstanceTypes {

  /** One row: vCPUs, memory in GiB, NVIDIA GPUs, and approximate us-east-1 USD per hour (only for ordering). */
  record InstanceType(String name, int vcpus, int memoryGib, int gpus, double usdPerHour) {
  }

  // Ordered by price: the first row that fits is the cheapest that fits.
  static final List<InstanceType> TABLE = List.of(
      new InstanceType("ml.m5.large", 2, 8, 0, 0.115),
      new InstanceType("ml.r5.large", 2, 16, 0, 0.151),
      new InstanceType("ml.m5.xlarge", 4, 16, 0, 0.23),
      new InstanceType("ml.r5.xlarge", 4, 32, 0, 0.302),
      new InstanceType("ml.m5.2xlarge", 8, 32, 0, 0.461),
      new InstanceType("ml.r5.2xlarge", 8, 64, 0, 0.605),
      new InstanceType("ml.m5.4xlarge", 16, 64, 0, 0.922),
      new InstanceType("ml.r5.4xlarge", 16, 128, 0, 1.21),
      new InstanceType("ml.g5.xlarge", 4, 16, 1, 1.408),
      new InstanceType("ml.g5.2xlarge", 8, 32, 1, 1.515),
      new InstanceType("ml.g5.4xlarge", 16, 64, 1, 2.03),
      new InstanceType("ml.m5.12xlarge", 48, 192, 0, 2.765),
      new InstanceType("ml.r5.12xlarge", 48, 384, 0, 3.629),
      new InstanceType("ml.m5.24xlarge", 96, 384, 0, 5.53),
      new InstanceType("ml.g5.12xlarge", 48, 192, 4, 7.09),
      new InstanceType("ml.r5.24xlarge", 96, 768, 0, 7.258),
      new InstanceType("ml.g5.48xlarge", 192, 768, 8, 20.36));

  private InstanceTypes() {
  }

  /**
   * The instance type for these resources, or null when no row fits.
   *
   * @param operatorDefault the operator's instanceType setting, used when the step names no type
   */
  static String choose(ResourceSpec resources, String operatorDefault) {
    if (resources.instanceType != null && !resources.instanceType.isBlank()) {
      return resources.instanceType;
    }
    if (operatorDefault != null && !operatorDefault.isBlank()) {
      return operatorDefault;
    }
    long memoryMib = resources.memory == null ? 0 : mebibytes(resources.memory);
    for (InstanceType type : TABLE) {
      boolean gpuMatches = resources.gpus == 0 ? type.gpus() == 0 : type.gpus() >= resources.gpus;
      if (gpuMatches && type.vcpus() >= resources.cpu && type.memoryGib() * 1024L >= memoryMib) {
        return type.name();
      }
    }
    return null;
  }

  /** Spark-style sizes: 512m, 16g, 1t (a bare number is MiB, as in spark.driver.memory). */
  static long mebibytes(String size) {
    String s = size.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    long factor = 1;
    char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
    switch (unit) {
      case 'k' -> factor = -1024;
      case 'm' -> factor = 1;
      case 'g' -> factor = 1024;
      case 't' -> factor = 1024 * 1024;
      default -> unit = ' ';
    }
    String digits = unit == ' ' ? s : s.substring(0, s.length() - 1);
    long value = Long.parseLong(digits.trim());
    return factor < 0 ? Math.max(1, value / -factor) : value * factor;
  }
}
