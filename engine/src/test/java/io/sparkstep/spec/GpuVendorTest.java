package io.sparkstep.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.remote.GpuVendor;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One gpuVendor vocabulary: the same words mean the same vendor on every flavor. */
class GpuVendorTest {
  @Test
  void vendorNamesAndDomainsAreOneVocabulary() {
    assertEquals(Optional.of(GpuVendor.NVIDIA), GpuVendor.parse("nvidia"));
    assertEquals(Optional.of(GpuVendor.NVIDIA), GpuVendor.parse(" NVIDIA.com "));
    assertEquals(Optional.of(GpuVendor.AMD), GpuVendor.parse("amd"));
    assertEquals(Optional.empty(), GpuVendor.parse("acme.example"));
  }

  @Test
  void nvidiaOnlyPlatformsAcceptAndRefuseAlike() {
    assertNull(GpuVendor.onlyNvidia("SageMaker", "nvidia"));
    assertNull(GpuVendor.onlyNvidia("Azure ML", "nvidia"), "azureml took only nvidia.com before");
    assertNull(GpuVendor.onlyNvidia("Vertex AI", "nvidia.com"), "vertex took only nvidia before");
    ValidationProblem amd = GpuVendor.onlyNvidia("Vertex AI", "amd");
    assertNotNull(amd);
    assertEquals("resources.gpuVendor", amd.field());
  }
}
