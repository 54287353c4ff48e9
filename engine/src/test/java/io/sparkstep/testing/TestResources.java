package io.sparkstep.testing;

import io.sparkstep.spi.spec.ResourceSpec;

/** A step's resources in one call, for the flavors' tests of their machine tables. */
public final class TestResources {
  private TestResources() {
  }

  public static ResourceSpec resources(int cpu, String memory, int gpus) {
    ResourceSpec r = new ResourceSpec();
    r.cpu = cpu;
    r.memory = memory;
    r.gpus = gpus;
    return r;
  }
}
