package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every resource field maps to Spark conf or is refused; settings are checked before anything runs. */
class ResourceConfTest {
  private static SparkSubmitSettings settings(String... keyValues) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return new SparkSubmitSettings(new OperatorConfig("t", SparkSubmitFlavor.NAME, raw, SparkSubmitSettings.OPTIONS));
  }

  private static List<String> fields(List<ValidationProblem> problems) {
    return problems.stream().map(ValidationProblem::field).toList();
  }

  @Test
  void standaloneClusterModeMapsEveryMappableField() {
    ResourceSpec r = new ResourceSpec();
    r.cpu = 2;
    r.memory = "2g";
    r.executors = 3;
    r.executorCpu = 2;
    r.executorMemory = "4g";
    SparkSubmitSettings s = settings("master", "spark://h:7077", "deployMode", "cluster");
    assertEquals(List.of(), ResourceConf.problems(r, s));
    Map<String, String> conf = ResourceConf.conf(r, s);
    assertEquals("2", conf.get("spark.driver.cores"));
    assertEquals("2g", conf.get("spark.driver.memory"));
    assertEquals("2", conf.get("spark.executor.cores"));
    assertEquals("4g", conf.get("spark.executor.memory"));
    assertEquals("6", conf.get("spark.cores.max"), "3 executors of 2 cores on standalone");
    assertEquals("3", conf.get("spark.executor.instances"));
  }

  @Test
  void dynamicAllocationUsesShuffleTrackingWithMinAndMax() {
    ResourceSpec r = new ResourceSpec();
    r.dynamicAllocation = new ResourceSpec.DynamicAllocation();
    r.dynamicAllocation.enabled = true;
    r.dynamicAllocation.minExecutors = 1;
    r.dynamicAllocation.maxExecutors = 4;
    Map<String, String> conf = ResourceConf.conf(r, settings("master", "spark://h:7077"));
    assertEquals("true", conf.get("spark.dynamicAllocation.enabled"));
    assertEquals("true", conf.get("spark.dynamicAllocation.shuffleTracking.enabled"));
    assertEquals("1", conf.get("spark.dynamicAllocation.minExecutors"));
    assertEquals("4", conf.get("spark.dynamicAllocation.maxExecutors"));
  }

  @Test
  void fieldsThatCannotBeMappedAreRefusedByName() {
    ResourceSpec r = new ResourceSpec();
    r.cpu = 2;
    r.memoryOverhead = "512m";
    r.gpus = 1;
    r.instanceType = "m5.xlarge";
    r.diskGb = 100;
    List<ValidationProblem> problems = ResourceConf.problems(r, settings("master", "spark://h:7077"));
    assertEquals(List.of("resources.cpu", "resources.memoryOverhead", "resources.gpus", "resources.instanceType",
        "resources.diskGb"), fields(problems));
    assertTrue(problems.get(0).message().contains("client-mode driver"));
  }

  @Test
  void yarnTakesMemoryOverheadAndGpusWithADiscoveryScript() {
    ResourceSpec r = new ResourceSpec();
    r.memoryOverhead = "512m";
    r.gpus = 1;
    r.gpuVendor = "nvidia.com";
    SparkSubmitSettings s = settings("master", "yarn", "conf.spark.executor.resource.gpu.discoveryScript", "/g.sh");
    assertEquals(List.of(), ResourceConf.problems(r, s));
    Map<String, String> conf = ResourceConf.conf(r, s);
    assertEquals("512m", conf.get("spark.executor.memoryOverhead"));
    assertEquals("1", conf.get("spark.executor.resource.gpu.amount"));
    assertEquals("nvidia.com", conf.get("spark.executor.resource.gpu.vendor"));
  }

  @Test
  void localMasterRefusesExecutors() {
    ResourceSpec r = new ResourceSpec();
    r.executors = 2;
    r.executorMemory = "1g";
    assertEquals(List.of("resources.executors", "resources.executorMemory"),
        fields(ResourceConf.problems(r, settings("master", "local[2]"))));
  }

  @Test
  void settingsAreCheckedWithTheFieldAndTheFix() {
    // Through the registry, as register and run check them: each value against its declaration, then the
    // flavor's rules across settings, in one pass.
    io.sparkstep.registry.FlavorRegistry registry = new io.sparkstep.registry.FlavorRegistry();
    List<ValidationProblem> problems = registry.validate(registry.get(SparkSubmitFlavor.NAME), settings("master",
        "k8s://https://x", "deployMode", "clsuter", "conf.executor.memory", "1g", "queue", "q", "principal", "me@R",
        "maxAttempts", "0").config().raw());
    assertEquals(List.of("deployMode", "maxAttempts", "master", "conf.executor.memory", "queue", "keytab"),
        fields(problems));
    assertTrue(problems.get(1).hint().contains("--set maxAttempts="), problems.get(1).toString());
    assertTrue(problems.get(2).hint().contains("kubernetes flavor"));
    assertEquals(List.of("deployMode"), fields(SparkSubmitSettings.validate(settings("master", "local[2]",
        "deployMode", "cluster").config())));
    assertEquals(List.of(), SparkSubmitSettings.validate(settings("master", "spark://127.0.0.1:7077",
        "deployMode", "cluster", "masterWebUi", "http://127.0.0.1:8080").config()));
  }
}
