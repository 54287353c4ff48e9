package io.sparkstep.flavor.kubernetes;

/**
 * The flavor contract of kubernetes through the unpacked distribution: the operator is registered, and the success, the
 * failure and the detached run are made and followed, by its {@code bin/sparkstep} (the kubernetes flavor from the
 * distribution, not from this module's class path); the platform is the same as {@link KubernetesContractTest}'s.
 */
class KubernetesDistributionContractTest extends KubernetesContractTest {
  @Override
  protected Mode mode() {
    return Mode.DISTRIBUTION;
  }
}
