package io.sparkstep.spi.remote;

import static io.sparkstep.testing.TestResources.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.remote.InstanceTypeChooser.InstanceType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule every cloud flavor applies to its own table of machines. */
class InstanceTypeChooserTest {
  private static final InstanceTypeChooser CHOOSER = new InstanceTypeChooser(List.of(
      new InstanceType("small", 2, 8, 0),
      new InstanceType("gpu-small", 4, 16, 1),
      new InstanceType("large", 8, 64, 0),
      new InstanceType("gpu-large", 32, 256, 4)));

  @Test
  void theFirstRowWithEnoughWinsAndACpuStepNeverGetsAGpuMachine() {
    assertEquals("small", CHOOSER.choose(new ResourceSpec(), null));
    assertEquals("small", CHOOSER.choose(null, null));
    assertEquals("large", CHOOSER.choose(resources(4, "16g", 0), null));
    assertEquals("gpu-small", CHOOSER.choose(resources(0, null, 1), null));
    assertEquals("gpu-large", CHOOSER.choose(resources(8, "32g", 2), null));
    assertNull(CHOOSER.choose(resources(64, null, 0), null));
    assertNull(CHOOSER.choose(resources(0, null, 8), null));
  }

  @Test
  void memoryIsReadAsSparkReadsIt() {
    assertEquals("small", CHOOSER.choose(resources(0, "8192", 0), null), "a bare number is MiB");
    assertEquals("small", CHOOSER.choose(resources(0, "8GB", 0), null));
    assertEquals("large", CHOOSER.choose(resources(0, "8193m", 0), null));
    assertNull(CHOOSER.choose(resources(0, "1t", 0), null));
  }

  @Test
  void theStepsTypeWinsThenTheOperatorsDefault() {
    ResourceSpec r = resources(64, null, 0);
    assertEquals("ops-default", CHOOSER.choose(r, "ops-default"));
    r.instanceType = "named";
    assertEquals("named", CHOOSER.choose(r, "ops-default"));
  }

  @Test
  void aPlatformRuleFiltersTheRows() {
    // e.g. machines that carry exactly the GPUs asked for: no row has exactly 2
    assertNull(CHOOSER.choose(resources(0, null, 2), null, row -> row.gpus() == 2));
    assertEquals("gpu-large", CHOOSER.choose(resources(0, null, 1), null, row -> row.gpus() != 1));
    ResourceSpec named = new ResourceSpec();
    named.instanceType = "named";
    assertEquals("named", CHOOSER.choose(named, null, row -> false), "a named type is not filtered");
  }
}
