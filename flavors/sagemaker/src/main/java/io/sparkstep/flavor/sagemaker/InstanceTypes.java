package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.remote.InstanceTypeChooser;
import io.sparkstep.spi.remote.InstanceTypeChooser.InstanceType;
import java.util.List;

/**
 * SageMaker's training instance types for the SPI's {@link InstanceTypeChooser}: the cheapest listed type that has
 * at least what was asked. A step that names {@code resources.instanceType} skips the table; an operator's
 * {@code instanceType} setting replaces it for steps that name none.
 */
final class InstanceTypes {

  // Ordered by price (approximate us-east-1 USD per hour after each row): the first row that fits is the cheapest.
  static final InstanceTypeChooser CHOOSER = new InstanceTypeChooser(List.of(
      new InstanceType("ml.m5.large", 2, 8, 0), // 0.115
      new InstanceType("ml.r5.large", 2, 16, 0), // 0.151
      new InstanceType("ml.m5.xlarge", 4, 16, 0), // 0.23
      new InstanceType("ml.r5.xlarge", 4, 32, 0), // 0.302
      new InstanceType("ml.m5.2xlarge", 8, 32, 0), // 0.461
      new InstanceType("ml.r5.2xlarge", 8, 64, 0), // 0.605
      new InstanceType("ml.m5.4xlarge", 16, 64, 0), // 0.922
      new InstanceType("ml.r5.4xlarge", 16, 128, 0), // 1.21
      new InstanceType("ml.g5.xlarge", 4, 16, 1), // 1.408
      new InstanceType("ml.g5.2xlarge", 8, 32, 1), // 1.515
      new InstanceType("ml.g5.4xlarge", 16, 64, 1), // 2.03
      new InstanceType("ml.m5.12xlarge", 48, 192, 0), // 2.765
      new InstanceType("ml.r5.12xlarge", 48, 384, 0), // 3.629
      new InstanceType("ml.m5.24xlarge", 96, 384, 0), // 5.53
      new InstanceType("ml.g5.12xlarge", 48, 192, 4), // 7.09
      new InstanceType("ml.r5.24xlarge", 96, 768, 0), // 7.258
      new InstanceType("ml.g5.48xlarge", 192, 768, 8))); // 20.36

  private InstanceTypes() {
  }

  /** The instance type for these resources (the SPI's one rule), or null when no row fits. */
  static String choose(ResourceSpec resources, String operatorDefault) {
    return CHOOSER.choose(resources, operatorDefault);
  }
}
