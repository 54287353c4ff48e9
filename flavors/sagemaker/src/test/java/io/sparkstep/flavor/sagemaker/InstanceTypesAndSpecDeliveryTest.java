package io.sparkstep.flavor.sagemaker;

import static io.sparkstep.testing.TestResources.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceTypesAndSpecDeliveryTest {

  @Test
  void tablePicksTheCheapestTypeThatFits() {
    assertEquals("ml.m5.large", InstanceTypes.choose(new ResourceSpec(), null));
    assertEquals("ml.r5.large", InstanceTypes.choose(resources(2, "12g", 0), null));
    assertEquals("ml.m5.xlarge", InstanceTypes.choose(resources(4, "16g", 0), null));
    assertEquals("ml.r5.2xlarge", InstanceTypes.choose(resources(8, "40g", 0), null));
    assertEquals("ml.g5.xlarge", InstanceTypes.choose(resources(0, null, 1), null));
    assertEquals("ml.g5.12xlarge", InstanceTypes.choose(resources(8, "32g", 2), null));
    assertNull(InstanceTypes.choose(resources(500, null, 0), null));
    assertNull(InstanceTypes.choose(resources(0, null, 16), null));
  }

  @Test
  void explicitTypeWinsOverOperatorDefaultWhichWinsOverTable() {
    ResourceSpec r = resources(4, "16g", 0);
    assertEquals("ml.c5.2xlarge", InstanceTypes.choose(r, "ml.c5.2xlarge"));
    r.instanceType = "ml.p4d.24xlarge";
    assertEquals("ml.p4d.24xlarge", InstanceTypes.choose(r, "ml.c5.2xlarge"));
  }


  @Test
  void smallSpecTravelsInTheEnvironmentLargeOneByUri(@TempDir Path dir) throws Exception {
    SpecStore store = new SpecStore(dir.toUri().toString(), () -> {
      throw new AssertionError("no S3 for a file: store");
    });
    String small = "{\"step\":\"generate-trips\"}";
    Map<String, String> env = SpecDelivery.environment(small, "r1", store);
    assertEquals(small, env.get("SPARKSTEP_SPEC"));
    assertTrue(env.get("SPARKSTEP_RUN_DIR").endsWith("/r1/run"));

    String large = "{\"step\":\"generate-trips\",\"params\":{\"x\":\"" + "y".repeat(600) + "\"}}";
    env = SpecDelivery.environment(large, "r2", store);
    assertNull(env.get("SPARKSTEP_SPEC"));
    Path written = Path.of(java.net.URI.create(env.get("SPARKSTEP_SPEC_URI")));
    assertEquals(large, Files.readString(written));
  }

  @Test
  void s3LocationsReachTheContainerAsS3a() {
    assertEquals("s3a://bucket/p/r1/spec.json", SpecStore.forContainer("s3://bucket/p/r1/spec.json"));
    assertEquals("file:/tmp/x", SpecStore.forContainer("file:/tmp/x"));
  }

  @Test
  void jobNamesFollowSageMakerRules() {
    assertEquals("sparkstep-20261124-202619-abc123", TrainingJobRequest.jobName("20261124-202619-abc123"));
    String name = TrainingJobRequest.jobName("my_run.with:odd/chars-" + "x".repeat(80));
    assertTrue(name.matches("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"), name);
  }
}
