package io.sparkstep.flavor.azureml;

import static io.sparkstep.testing.TestResources.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.spec.ResourceSpec;
import org.junit.jupiter.api.Test;

class InstanceTypesTest {
  @Test
  void smallestSizeThatFitsAndExplicitTypesWin() {
    assertEquals("Standard_D2s_v5", InstanceTypes.choose(resources(0, null, 0), null));
    assertEquals("Standard_E4s_v5", InstanceTypes.choose(resources(4, "20g", 0), null));
    assertEquals("Standard_NC4as_T4_v3", InstanceTypes.choose(resources(2, "8g", 1), null));
    assertEquals("Standard_NC64as_T4_v3", InstanceTypes.choose(resources(8, "64g", 2), null), "T4 sizes come before A100 in the table");
    assertNull(InstanceTypes.choose(resources(512, null, 0), null));
    assertEquals("Standard_F8s_v2", InstanceTypes.choose(resources(4, null, 0), "Standard_F8s_v2"));
    ResourceSpec explicit = resources(4, null, 0);
    explicit.instanceType = "Standard_HB120rs_v3";
    assertEquals("Standard_HB120rs_v3", InstanceTypes.choose(explicit, "Standard_F8s_v2"));
  }

  @Test
  void stateTable() {
    assertEquals(RunState.SUBMITTED, AzureMlStates.of("Queued"));
    assertEquals(RunState.RUNNING, AzureMlStates.of("Finalizing"));
    assertEquals(RunState.SUCCEEDED, AzureMlStates.of("Completed"));
    assertEquals(RunState.FAILED, AzureMlStates.of("Failed"));
    assertEquals(RunState.CANCELLED, AzureMlStates.of("Canceled"));
    assertEquals(RunState.UNKNOWN, AzureMlStates.of("SomethingNew"));
  }
}
