package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code gpuVendor=nvidia}, the word the cloud flavors take, asks Kubernetes for {@code nvidia.com/gpu} (the
 * resource NVIDIA's device plugin offers), not {@code nvidia/gpu}, which no node has.
 */
class GpuVendorMappingTest {
  private static Map<String, String> conf(String vendor) {
    StepSpec s = new StepSpec();
    s.runId = "20261125-010203-abcdef";
    s.step = "trip-features";
    s.resources = new ResourceSpec();
    s.resources.gpus = 1;
    s.resources.gpuVendor = vendor;
    s.accelerator = "none";
    OperatorConfig config = new OperatorConfig("k8s", "kubernetes", Map.of("image", "registry.example.com/s:1",
        "gpuImage", "registry.example.com/s-gpu:1", "apiServer", "https://203.0.113.10:6443"), KubernetesSettings.OPTIONS);
    var plan = new KubernetesOperator(new KubernetesSettings(config)).plan(s);
    assertTrue(plan.problems().isEmpty(), plan.problems().toString());
    return plan.sparkConf();
  }

  @Test
  void theSharedVendorWordsMapToTheDevicePluginDomain() {
    assertEquals("nvidia.com", conf("nvidia").get("spark.executor.resource.gpu.vendor"));
    assertEquals("nvidia.com", conf("NVIDIA").get("spark.executor.resource.gpu.vendor"));
    assertEquals("nvidia.com", conf("nvidia.com").get("spark.executor.resource.gpu.vendor"));
    assertEquals("amd.com", conf("amd").get("spark.executor.resource.gpu.vendor"));
  }
}
