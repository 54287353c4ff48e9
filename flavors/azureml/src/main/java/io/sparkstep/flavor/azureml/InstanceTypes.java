package io.sparkstep.flavor.azureml;

import io.sparkstep.spec.ResourceSpec;
import io.sparkstep.spec.SpecValidator;
import java.util.List;

/**
 * Azure VM sizes for a step's cpu, memory and gpus: the smallest listed size that has at least what was asked for.
 * An explicit {@code resources.instanceType} wins, then the operator's {@code instanceType}.
 */
final class InstanceTypes {
  record Size(String name, int cpu, int memoryGb, int gpus) {
  }

  static final List<Size> TABLE = List.of(
      new Size("Standard_D2s_v5", 2, 8, 0),
      new Size("Standard_D4s_v5", 4, 16, 0),
      new Size("Standard_E4s_v5", 4, 32, 0),
      new Size("Standard_D8s_v5", 8, 32, 0),
      new Size("Standard_E8s_v5", 8, 64, 0),
      new Size("Standard_D16s_v5", 16, 64, 0),
      new Size("Standard_E16s_v5", 16, 128, 0),
      new Size("Standard_D32s_v5", 32, 128, 0),
      new Size("Standard_E32s_v5", 32, 256, 0),
      new Size("Standard_NC4as_T4_v3", 4, 28, 1),
      new Size("Standard_NC8as_T4_v3", 8, 56, 1),
      new Size("Standard_NC16as_T4_v3", 16, 110, 1),
      new Size("Standard_NC64as_T4_v3", 64, 440, 4),
      new Size("Standard_NC24ads_A100_v4", 24, 220, 1),
      new Size("Standard_NC48ads_A100_v4", 48, 440, 2),
      new Size("Standard_NC96ads_A100_v4", 96, 880, 4));

  private InstanceTypes() {
  }

  /** The instance type for the resources, or null when no listed size fits. */
  static String choose(ResourceSpec resources, String operatorDefault) {
    if (resources != null && resources.instanceType != null) {
      return resources.instanceType;
    }
    if (operatorDefault != null && !operatorDefault.isBlank()) {
      return operatorDefault;
    }
    int cpu = resources == null ? 0 : resources.cpu;
    long memoryGb = resources == null || resources.memory == null ? 0
        : (SpecValidator.memoryMiB(resources.memory) + 1023) / 1024;
    int gpus = resources == null ? 0 : resources.gpus;
    return TABLE.stream()
        .filter(s -> s.cpu() >= cpu && s.memoryGb() >= memoryGb && s.gpus() >= gpus && (gpus > 0) == (s.gpus() > 0))
        .findFirst().map(Size::name).orElse(null);
  }
}
