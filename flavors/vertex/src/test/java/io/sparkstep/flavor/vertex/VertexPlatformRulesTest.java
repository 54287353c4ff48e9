package io.sparkstep.flavor.vertex;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.registry.FlavorRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings and requests Vertex (Compute Engine) would refuse are refused at register or before the run. */
class VertexPlatformRulesTest {

  @Test
  void negativeSpecEnvMaxBytesIsRefusedAtRegister() {
    Map<String, String> raw = new HashMap<>(Map.of("project", "p-test1", "image", "img", "stagingUri", "gs://b/s",
        "specEnvMaxBytes", "-5"));
    FlavorRegistry flavors = new FlavorRegistry();
    List<ValidationProblem> problems = flavors.validate(flavors.get("vertex"), raw);
    assertTrue(problems.stream().anyMatch(p -> p.field().equals("specEnvMaxBytes")), problems.toString());
  }

  @Test
  void oneV100WithSixteenVcpusIsRefusedTwelveIsNot() {
    ResourceMapping v100 = ResourceMappingTest.mapping(Map.of("acceleratorType", "NVIDIA_TESLA_V100"));
    List<ValidationProblem> problems = new ArrayList<>();
    v100.validate(io.sparkstep.testing.TestResources.resources(16, null, 1), problems);
    assertTrue(problems.stream().anyMatch(p -> p.field().equals("resources.cpu") && p.message().contains("(12)")),
        problems.toString());
    List<ValidationProblem> fine = new ArrayList<>();
    v100.validate(io.sparkstep.testing.TestResources.resources(8, null, 1), fine);
    assertTrue(fine.isEmpty(), fine.toString());
    ResourceSpec r = io.sparkstep.testing.TestResources.resources(0, null, 1);
    r.instanceType = "n1-standard-32";
    List<ValidationProblem> machine = new ArrayList<>();
    v100.validate(r, machine);
    assertTrue(machine.stream().anyMatch(p -> p.field().equals("resources.instanceType")), machine.toString());
  }
}
