package io.sparkstep.flavor.sparksubmit;

/**
 * The flavor contract of spark-submit through the unpacked distribution: the operator is registered, and the success, the
 * failure and the detached run are made and followed, by its {@code bin/sparkstep} (the spark-submit flavor from the
 * distribution, not from this module's class path); the platform is the same as {@link SparkSubmitContractTest}'s.
 */
class SparkSubmitDistributionContractTest extends SparkSubmitContractTest {
  @Override
  protected Mode mode() {
    return Mode.DISTRIBUTION;
  }
}
