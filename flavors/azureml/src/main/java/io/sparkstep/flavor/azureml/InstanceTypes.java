package io.sparkstep.flavor.azureml;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.remote.InstanceTypeChooser;
import io.sparkstep.spi.remote.InstanceTypeChooser.InstanceType;
import java.util.List;

/**
 * Azure VM sizes for the SPI's {@link InstanceTypeChooser}: the smallest listed size that has at least what was asked
 * for.
 * An explicit {@code resources.instanceType} wins, then the operator's {@code instanceType}.
 */
final class InstanceTypes {
  // Smallest first: the first row that fits is the smallest that fits.
  static final InstanceTypeChooser CHOOSER = new InstanceTypeChooser(List.of(
      new InstanceType("Standard_D2s_v5", 2, 8, 0),
      new InstanceType("Standard_D4s_v5", 4, 16, 0),
      new InstanceType("Standard_E4s_v5", 4, 32, 0),
      new InstanceType("Standard_D8s_v5", 8, 32, 0),
      new InstanceType("Standard_E8s_v5", 8, 64, 0),
      new InstanceType("Standard_D16s_v5", 16, 64, 0),
      new InstanceType("Standard_E16s_v5", 16, 128, 0),
      new InstanceType("Standard_D32s_v5", 32, 128, 0),
      new InstanceType("Standard_E32s_v5", 32, 256, 0),
      new InstanceType("Standard_NC4as_T4_v3", 4, 28, 1),
      new InstanceType("Standard_NC8as_T4_v3", 8, 56, 1),
      new InstanceType("Standard_NC16as_T4_v3", 16, 110, 1),
      new InstanceType("Standard_NC64as_T4_v3", 64, 440, 4),
      new InstanceType("Standard_NC24ads_A100_v4", 24, 220, 1),
      new InstanceType("Standard_NC48ads_A100_v4", 48, 440, 2),
      new InstanceType("Standard_NC96ads_A100_v4", 96, 880, 4)));

  private InstanceTypes() {
  }

  /** The instance type for the resources (the SPI's one rule), or null when no listed size fits. */
  static String choose(ResourceSpec resources, String operatorDefault) {
    return CHOOSER.choose(resources, operatorDefault);
  }
}
