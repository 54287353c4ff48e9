package io.sparkstep.flavor.vertex;

import static io.sparkstep.testing.TestResources.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.aiplatform.v1.AcceleratorType;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.MachineSpec;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The machine table, the GPU mapping, the refusals and the state table, without a platform. */
class ResourceMappingTest {

  static ResourceMapping mapping(Map<String, String> extra) {
    Map<String, String> raw = new HashMap<>(Map.of("project", "p-test1", "image", "img", "stagingUri", "gs://b/s"));
    raw.putAll(extra);
    return new ResourceMapping(new VertexSettings(new OperatorConfig("vx", "vertex", raw, VertexSettings.OPTIONS)));
  }

  @Test
  void cpuAndMemoryPickTheSmallestMachineThatFits() {
    ResourceMapping m = mapping(Map.of());
    assertEquals("e2-standard-4", m.machineSpec(resources(0, null, 0)).getMachineType());
    assertEquals("e2-standard-8", m.machineSpec(resources(6, "20g", 0)).getMachineType());
    assertEquals("n1-highmem-16", m.machineSpec(resources(16, "100g", 0)).getMachineType());
  }

  @Test
  void gpusAttachTheConfiguredAcceleratorToItsMachineFamily() {
    MachineSpec t4 = mapping(Map.of()).machineSpec(resources(8, "16g", 2));
    assertEquals("n1-standard-8", t4.getMachineType());
    assertEquals(AcceleratorType.NVIDIA_TESLA_T4, t4.getAcceleratorType());
    assertEquals(2, t4.getAcceleratorCount());
    MachineSpec l4 = mapping(Map.of("acceleratorType", "NVIDIA_L4")).machineSpec(resources(4, "16g", 2));
    assertEquals("g2-standard-24", l4.getMachineType());
    assertEquals(AcceleratorType.NVIDIA_L4, l4.getAcceleratorType());
  }

  @Test
  void anExplicitTypeWinsOverTheOperatorsWhichWinsOverTheTable() {
    ResourceMapping m = mapping(Map.of("machineType", "n1-standard-16"));
    assertEquals("n1-standard-16", m.machineSpec(resources(2, null, 0)).getMachineType());
    ResourceSpec r = resources(2, null, 0);
    r.instanceType = "n2-standard-8";
    assertEquals("n2-standard-8", m.machineSpec(r).getMachineType());
  }

  @Test
  void whatDoesNotFitIsRefusedWithTheField() {
    List<ValidationProblem> problems = new ArrayList<>();
    mapping(Map.of()).validate(resources(4, "8g", 3), problems);
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("resources", problems.get(0).field());
    assertTrue(problems.get(0).hint().contains("1, 2 or 4"));
    problems.clear();
    ResourceSpec amd = resources(4, null, 1);
    amd.gpuVendor = "amd";
    mapping(Map.of()).validate(amd, problems);
    assertEquals("resources.gpuVendor", problems.get(0).field());
  }

  @Test
  void badOperatorSettingsAreFoundBeforeAnythingRuns() {
    Map<String, String> raw = new HashMap<>(Map.of("project", "p-test1", "image", "img", "stagingUri", "s3://x",
        "acceleratorType", "NVIDIA_GTX_1080", "label.Team", "x", "bootDiskGb", "20"));
    // As register and run check them: each value by its declaration, then the flavor's own rules.
    io.sparkstep.registry.FlavorRegistry registry = new io.sparkstep.registry.FlavorRegistry();
    List<ValidationProblem> problems = registry.validate(registry.get("vertex"), raw);
    List<String> fields = problems.stream().map(ValidationProblem::field).toList();
    assertTrue(fields.containsAll(List.of("stagingUri", "acceleratorType", "label.Team", "bootDiskGb")), fields.toString());
  }

  @Test
  void everyJobStateHasARunState() {
    for (JobState state : JobState.values()) {
      if (state != JobState.UNRECOGNIZED) {
        assertTrue(CustomJobStates.toRunState(state) != RunState.UNKNOWN, state + " is mapped");
      }
    }
    assertEquals(RunState.RUNNING, CustomJobStates.toRunState(JobState.JOB_STATE_CANCELLING));
    assertEquals(RunState.CANCELLED, CustomJobStates.toRunState(JobState.JOB_STATE_CANCELLED));
    assertEquals(RunState.FAILED, CustomJobStates.toRunState(JobState.JOB_STATE_EXPIRED));
  }
}
