package io.sparkstep.flavor.kubernetes;

import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.api.StepResources;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.testing.FlavorContractTest;
import io.sparkstep.testing.ResourceTableWalk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The flavor contract on kubernetes: Spark's own submission client and driver against the API server stand-in,
 * whose kubelet stand-in runs each pod (driver, then the executors the driver asks for) as a local JVM.
 */
class KubernetesContractTest extends FlavorContractTest {
  static final String NS = "contract";
  static final Path PODS = Path.of("target", "stand-in-contract").toAbsolutePath();
  @RegisterExtension
  static final StandInCluster cluster = StandInCluster.apiServer(NS).withKubelet(PODS,
      StandInNode.cpu("cpu-node-1", 4, 8192));

  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    for (String setting : cluster.settings()) {
      settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
    }
    settings.put("engineJar", "local://" + StandInCluster.engineJar());
    // How a driver pod gets a secret value: from a Kubernetes Secret, by name in the operator. The runs' conf
    // refers to the variable (${SPARKSTEP_TEST_SECRET}), resolved in the driver.
    cluster.client().secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("contract-secret").endMetadata()
        .addToData("value", java.util.Base64.getEncoder().encodeToString(System.getenv(
            io.sparkstep.testing.SecretRoutes.ENV_NAME).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .build()).create();
    settings.put("secretEnv." + io.sparkstep.testing.SecretRoutes.ENV_NAME, "contract-secret:value");
    // one small executor per run: the stand-in node is this machine
    settings.put("conf.spark.executor.instances", "1");
    settings.put("conf.spark.driver.memory", "512m");
    settings.put("conf.spark.executor.memory", "512m");
    if (mode() == Mode.DISTRIBUTION) {
      // the distribution's CLI ships the user's step jars (SPARKSTEP_CLASSPATH) to the cluster: a place the
      // stand-in's pods (local JVMs) can read them from
      settings.put("uploadPath", tmp.resolve("uploads").toUri().toString());
    }
    registerOperator("k8s", "kubernetes", settings);
    return "k8s";
  }

  /** The operator's default vendor is nvidia.com: a step's own vendor shows when it is another one. */
  @Override
  protected ResourceTableWalk.Sample resourceSample(ResourceField field) {
    return field == ResourceField.GPU_VENDOR ? new ResourceTableWalk.Sample(StepResources.builder().gpus(1).build(),
        StepResources.builder().gpus(1).gpuVendor("amd").build()) : super.resourceSample(field);
  }

  /** The submission plan: the conf and the pod templates the operator hands to Spark. */
  @Override
  protected String resourceRequest(StepSpec spec, OperatorConfig config) {
    SubmissionPlan plan = new KubernetesOperator(new KubernetesSettings(config)).plan(spec);
    return plan.sparkConf() + "\ndriver " + plan.driverTemplate() + "\nexecutor " + plan.executorTemplate();
  }

  @Override
  protected Refusal unsupportedResources() {
    return new Refusal("instanceType=m5/xlarge", "resources.instanceType");
  }

  @Override
  protected Optional<List<String>> platformLog(RunRecord record) {
    return Optional.of(cluster.kubelet().log(KubernetesOperator.driverPodName(record.runId)).lines().toList());
  }

  /** The driver's record comes back in its container's output only (its last line), as the flavor reads it. */
  @Override
  protected Optional<RunRecord> driverRecord(String runId) {
    String prefix = EntrypointContract.RECORD_LINE_PREFIX;
    try {
      return cluster.kubelet().log(KubernetesOperator.driverPodName(runId)).lines()
          .filter(line -> line.startsWith(prefix)).reduce((first, last) -> last)
          .map(line -> io.sparkstep.spi.record.RunRecordJson.read(line.substring(prefix.length())))
          .filter(record -> record.state != null && record.state.isFinal() && record.endedAt != null);
    } catch (RuntimeException e) {
      return Optional.empty(); // a line being written
    }
  }

  /** No pod of the run is left in the namespace and no container process on the node. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    eventually("every pod gone and every container process ended", Duration.ofSeconds(60), () ->
        cluster.client().pods().inNamespace(NS).list().getItems().isEmpty()
            && cluster.kubelet().liveProcesses().isEmpty());
    super.assertNothingLeft(record);
  }

  /** Each pod's directory: its pod.yaml as the API server stored it, its mounted config maps, its container log. */
  @Override
  protected List<Path> platformFiles() {
    return List.of(PODS);
  }

  /** What the API server still stores (pods, config maps, services, secrets). */
  @Override
  protected Map<String, String> platformTexts() {
    return Map.of("API server objects",
        io.fabric8.kubernetes.client.utils.Serialization.asJson(cluster.client().pods().inAnyNamespace().list())
            + io.fabric8.kubernetes.client.utils.Serialization.asJson(
                cluster.client().configMaps().inAnyNamespace().list())
            + io.fabric8.kubernetes.client.utils.Serialization.asJson(
                cluster.client().services().inAnyNamespace().list()));
  }
}
