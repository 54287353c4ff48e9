package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU step submitted with Spark's real Kubernetes submission client to the API server stand-in: the driver pod,
 * its config maps and its service are what Spark created from the plan the feature steps built.
 */
@Tag("slow")
class KubernetesSubmissionTest {
  static final String NS = "ml-jobs";
  static final String SECRET = System.getenv().getOrDefault("SPARKSTEP_TEST_SECRET", "s3cr3t-Zq81-never-logged");
  @TempDir
  static Path tmp;
  @RegisterExtension
  static final StandInCluster cluster = StandInCluster.apiServer(NS);
  static Path home;
  static StepRun run;
  static Pod driver;

  @BeforeAll
  static void submitGpuStep() throws Exception {
    Path driverTemplate = tmp.resolve("driver-template.yaml");
    Files.writeString(driverTemplate, String.join("\n",
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  annotations:",
        "    example.com/cost-center: ml-42",
        "spec:",
        "  priorityClassName: batch-high",
        "  containers:",
        "    - name: spark-kubernetes-driver",
        ""));
    home = cluster.home();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("serviceAccount", "spark");
    s.put("imagePullPolicy", "Always");
    s.put("imagePullSecrets", "regcred");
    s.put("driverPodTemplate", driverTemplate.toString());
    s.put("tolerations", "dedicated=spark:NoSchedule");
    s.put("nodeSelector.pool", "spark");
    s.put("label.team", "ml");
    s.put("annotation.example.com/owner", "data-platform");
    s.put("env.LOG_LEVEL", "debug");
    s.put("secretEnv.DB_PASSWORD", "db-credentials:password");
    s.put("secretVolume.gcp-key", "/etc/secrets/gcp");
    s.put("volume.data", "persistentVolumeClaim:/data:claimName=shared-data;readOnly=true");
    s.put("ttlSecondsAfterFinished", "-1");
    cluster.store("k8s", s);

    run = Sparkstep.operator("k8s", home).step("generate-trips").param("rows", 1000)
        .output("trips", "s3a://lake/trips").output("zones", "s3a://lake/zones")
        .resources(StepResources.builder().gpus(1).executors(3).executorCpu(4).executorMemory("8g").memory("2g")
            .diskGb(50).build())
        .submit();
    driver = cluster.client().pods().inNamespace(NS).withName(KubernetesOperator.driverPodName(run.id())).get();
  }

  private static Properties sparkProperties() throws Exception {
    ConfigMap conf = cluster.client().configMaps().inNamespace(NS).list().getItems().stream()
        .filter(cm -> cm.getData() != null && cm.getData().containsKey("spark.properties")).findFirst()
        .orElseThrow(() -> new AssertionError("no config map with spark.properties"));
    Properties p = new Properties();
    p.load(new StringReader(conf.getData().get("spark.properties")));
    return p;
  }

  private static Container driverContainer() {
    return driver.getSpec().getContainers().stream().filter(c -> c.getName().equals("spark-kubernetes-driver"))
        .findFirst().orElseThrow();
  }

  @Test
  void driverPodHasImageIdentityAndRunLabels() {
    assertNotNull(driver, "Spark's client created the driver pod in namespace " + NS + "; requests: "
        + cluster.api().writes());
    assertEquals(RunState.SUBMITTED, run.record().state());
    Container c = driverContainer();
    assertEquals("registry.example.com/sparkstep-gpu:0.1.0", c.getImage(), "a GPU step runs the GPU image");
    assertEquals("Always", c.getImagePullPolicy());
    assertEquals("spark", driver.getSpec().getServiceAccountName());
    assertEquals("regcred", driver.getSpec().getImagePullSecrets().get(0).getName());
    Map<String, String> labels = driver.getMetadata().getLabels();
    assertEquals(run.id().toLowerCase(), labels.get("sparkstep.io/run-id").toLowerCase());
    assertEquals("generate-trips", labels.get("sparkstep.io/step"));
    assertEquals("ml", labels.get("team"));
    assertEquals("data-platform", driver.getMetadata().getAnnotations().get("example.com/owner"));
    assertEquals("spark", driver.getSpec().getNodeSelector().get("pool"));
    List<String> args = c.getArgs();
    assertTrue(args.contains("io.sparkstep.runtime.StepEntrypoint"), args.toString());
    assertTrue(args.contains(KubernetesSettings.IMAGE_ENGINE_JAR), args.toString());
    StringBuilder spec = new StringBuilder();
    for (int i = args.indexOf("--spec-json-part"); i >= 0 && i < args.size() - 1; i += 2) {
      if (!args.get(i).equals("--spec-json-part")) {
        break;
      }
      spec.append(args.get(i + 1));
    }
    StepSpec driverSpec = StepSpecJson.read(spec.toString());
    assertEquals("rapids", driverSpec.accelerator, "a GPU step gets RAPIDS unless it opts out");
    assertEquals(KubernetesOperator.POD_RUN_DIR, driverSpec.runDir);
    assertEquals(1000, ((Number) driverSpec.params.get("rows")).intValue());
  }

  @Test
  void driverTemplateIsMergedWithTolerations() {
    assertEquals("ml-42", driver.getMetadata().getAnnotations().get("example.com/cost-center"),
        "annotation from the user's driver template");
    assertEquals("batch-high", driver.getSpec().getPriorityClassName(), "spec field from the user's template");
    List<Toleration> tolerations = driver.getSpec().getTolerations();
    assertTrue(tolerations.stream().anyMatch(t -> "dedicated".equals(t.getKey()) && "spark".equals(t.getValue())
        && "NoSchedule".equals(t.getEffect())), String.valueOf(tolerations));
    assertEquals("2432Mi", driverContainer().getResources().getRequests().get("memory").toString(),
        "resources.memory=2g plus Spark's minimum overhead of 384m");
  }

  @Test
  void secretsAreReferencedNeverInlined() {
    Container c = driverContainer();
    EnvVar db = c.getEnv().stream().filter(e -> e.getName().equals("DB_PASSWORD")).findFirst().orElseThrow();
    assertEquals(null, db.getValue(), "no literal value");
    assertEquals("db-credentials", db.getValueFrom().getSecretKeyRef().getName());
    assertEquals("password", db.getValueFrom().getSecretKeyRef().getKey());
    assertEquals("debug", c.getEnv().stream().filter(e -> e.getName().equals("LOG_LEVEL")).findFirst()
        .orElseThrow().getValue());
    Volume gcp = driver.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null
        && "gcp-key".equals(v.getSecret().getSecretName())).findFirst().orElseThrow();
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(gcp.getName())
        && m.getMountPath().equals("/etc/secrets/gcp")));
    Volume data = driver.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
        .findFirst().orElseThrow();
    assertEquals("shared-data", data.getPersistentVolumeClaim().getClaimName());
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/data") && m.getReadOnly()));
    String everything = Serialization.asJson(cluster.client().pods().inNamespace(NS).list())
        + Serialization.asJson(cluster.client().configMaps().inNamespace(NS).list());
    assertFalse(everything.contains(SECRET), "no secret value reached the cluster");
  }

  @Test
  void sparkConfAsksForGpusWithRapids() throws Exception {
    Properties p = sparkProperties();
    assertEquals("1", p.getProperty("spark.executor.resource.gpu.amount"));
    assertEquals("nvidia.com", p.getProperty("spark.executor.resource.gpu.vendor"));
    assertEquals(KubernetesSettings.IMAGE_DISCOVERY_SCRIPT,
        p.getProperty("spark.executor.resource.gpu.discoveryScript"));
    assertEquals("0.25", p.getProperty("spark.task.resource.gpu.amount"), "4 executor cores share one GPU");
    assertEquals("com.nvidia.spark.SQLPlugin", p.getProperty("spark.plugins"));
    assertEquals("2", p.getProperty("spark.rapids.sql.concurrentGpuTasks"), "gpu.conf profile applied");
    assertTrue(p.getProperty("spark.jars").contains("local:///opt/sparkstep/accelerators/rapids-4-spark_2.13-"),
        p.getProperty("spark.jars"));
    assertTrue(p.getProperty("spark.jars").contains(KubernetesSettings.IMAGE_ENGINE_JAR),
        "executors get the steps' classes: " + p.getProperty("spark.jars"));
    assertEquals("3", p.getProperty("spark.executor.instances"));
    assertEquals("4", p.getProperty("spark.executor.cores"));
    assertEquals("8g", p.getProperty("spark.executor.memory"));
    assertEquals("2867m", p.getProperty("spark.executor.memoryOverhead"),
        "Spark's own overhead for 8g (819m) plus RAPIDS' 2g pinned pool, which Spark does not count");
    assertEquals("db-credentials:password", p.getProperty("spark.kubernetes.executor.secretKeyRef.DB_PASSWORD"));
    assertEquals("false", p.getProperty("spark.kubernetes.submission.waitAppCompletion"));
  }

  @Test
  void executorTemplateHasTolerationAndDiskAndLeavesTheGpuLimitToSpark() throws Exception {
    ConfigMap templates = cluster.client().configMaps().inNamespace(NS).list().getItems().stream()
        .filter(cm -> cm.getData() != null && cm.getData().values().stream()
            .anyMatch(v -> v.contains("spark-kubernetes-executor"))).findFirst()
        .orElseThrow(() -> new AssertionError("Spark ships the executor template to the driver in a config map"));
    String yaml = templates.getData().values().stream().filter(v -> v.contains("spark-kubernetes-executor"))
        .findFirst().orElseThrow();
    Pod executor = Serialization.unmarshal(yaml, Pod.class);
    Container c = executor.getSpec().getContainers().get(0);
    assertTrue(c.getResources() == null || c.getResources().getLimits() == null
        || !c.getResources().getLimits().containsKey("nvidia.com/gpu"),
        "the GPU limit is Spark's own (from spark.executor.resource.gpu.amount), not the template's");
    assertEquals("50Gi", c.getResources().getLimits().get("ephemeral-storage").toString());
    assertTrue(executor.getSpec().getTolerations().stream().anyMatch(t -> "nvidia.com/gpu".equals(t.getKey())
        && "Exists".equals(t.getOperator())), "GPU toleration");
    assertTrue(executor.getSpec().getTolerations().stream().anyMatch(t -> "dedicated".equals(t.getKey())),
        "the operator's tolerations");
    assertEquals("gpu", executor.getMetadata().getLabels().get("sparkstep.io/accelerator"),
        "spark-conf/pod-templates/executor-gpu.yaml is the base");
  }

  @Test
  void driverServiceExists() {
    Service service = cluster.client().services().inNamespace(NS).list().getItems().stream().findFirst()
        .orElseThrow(() -> new AssertionError("no driver service"));
    assertEquals(driver.getMetadata().getLabels().get("spark-app-selector"),
        service.getSpec().getSelector().get("spark-app-selector"));
    assertTrue(service.getSpec().getPorts().stream().anyMatch(port -> port.getName().contains("driver")));
  }
}
