package io.sparkstep.flavor.vertex;

/**
 * The flavor contract of vertex through the unpacked distribution: the operator is registered, and the success, the
 * failure and the detached run are made and followed, by its {@code bin/sparkstep} (the vertex flavor from the
 * distribution, not from this module's class path); the platform is the same as {@link VertexContractTest}'s.
 */
class VertexDistributionContractTest extends VertexContractTest {
  @Override
  protected Mode mode() {
    return Mode.DISTRIBUTION;
  }
}
