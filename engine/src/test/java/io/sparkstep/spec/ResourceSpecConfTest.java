package io.sparkstep.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ResourceSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Spark conf every flavor derives alike from a step's resources. */
class ResourceSpecConfTest {
  @Test
  void sizingIsOnlyWhatTheStepSet() {
    ResourceSpec r = new ResourceSpec();
    assertTrue(r.sizingConf().isEmpty() && r.dynamicAllocationConf().isEmpty(), "nothing set, nothing decided");
    r.cpu = 2;
    r.memory = "4g";
    r.executorCpu = 3;
    r.executorMemory = "6g";
    r.memoryOverhead = "1g";
    r.gpus = 1;
    assertEquals(Map.of("spark.driver.cores", "2", "spark.driver.memory", "4g", "spark.executor.cores", "3",
        "spark.executor.memory", "6g", "spark.executor.memoryOverhead", "1g"), r.sizingConf(),
        "GPUs and executor counts are the flavors' own");
  }

  @Test
  void dynamicAllocationTracksShuffleInsteadOfAssumingAShuffleService() {
    ResourceSpec r = new ResourceSpec();
    r.dynamicAllocation = new ResourceSpec.DynamicAllocation();
    assertEquals(Map.of("spark.dynamicAllocation.enabled", "false"), r.dynamicAllocationConf());
    r.dynamicAllocation.enabled = true;
    r.dynamicAllocation.minExecutors = 1;
    assertEquals(Map.of("spark.dynamicAllocation.enabled", "true", "spark.dynamicAllocation.shuffleTracking.enabled",
        "true", "spark.dynamicAllocation.minExecutors", "1"), r.dynamicAllocationConf(), "no max: Spark's default");
    r.dynamicAllocation.maxExecutors = 8;
    assertEquals("8", r.dynamicAllocationConf().get("spark.dynamicAllocation.maxExecutors"));
  }
}
