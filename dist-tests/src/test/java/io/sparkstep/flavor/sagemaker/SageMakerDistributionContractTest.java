package io.sparkstep.flavor.sagemaker;

/**
 * The flavor contract of sagemaker through the unpacked distribution: the operator is registered, and the success, the
 * failure and the detached run are made and followed, by its {@code bin/sparkstep} (the sagemaker flavor from the
 * distribution, not from this module's class path); the platform is the same as {@link SageMakerContractTest}'s.
 */
class SageMakerDistributionContractTest extends SageMakerContractTest {
  @Override
  protected Mode mode() {
    return Mode.DISTRIBUTION;
  }
}
