package io.sparkstep.local;

/**
 * The flavor contract of local through the unpacked distribution: the operator is registered, and the success, the
 * failure and the detached run are made and followed, by its {@code bin/sparkstep} (the local flavor from the
 * distribution, not from this module's class path); the platform is the same as {@link LocalContractTest}'s.
 */
class LocalDistributionContractTest extends LocalContractTest {
  @Override
  protected Mode mode() {
    return Mode.DISTRIBUTION;
  }
}
