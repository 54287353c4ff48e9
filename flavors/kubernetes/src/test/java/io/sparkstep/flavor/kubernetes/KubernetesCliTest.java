package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.sparkstep.testing.CliCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes flavor from the CLI: the sample step with {@code --resources gpus=1}, its status and logs from
 * later calls; and every bad input refused with one line naming the field, before anything reaches the cluster.
 */
@Tag("slow")
class KubernetesCliTest {
  static final String NS = "cli-jobs";
  @RegisterExtension
  static final StandInCluster cluster = StandInCluster.apiServer(NS);
  @TempDir
  static Path tmp;

  @BeforeAll
  static void registerOperator() {
    CliCall register = cluster.register("k8s");
    assertEquals(0, register.code(), register.all());
  }

  @BeforeEach
  void forgetRequests() {
    cluster.api().requests.clear();
  }

  /** Registers an operator whose kubeconfig points at a port nothing listens on (connections refused): its port. */
  private static int registerUnreachable(String name, String... extra) throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path downConfig = Files.writeString(tmp.resolve(name + "-kubeconfig"),
        Files.readString(cluster.kubeconfig()).replace(cluster.api().url(), "https://127.0.0.1:" + closedPort));
    List<String> settings = new ArrayList<>(List.of("kubeconfig=" + downConfig));
    settings.addAll(List.of(extra));
    CliCall register = cluster.register(name, settings.toArray(String[]::new));
    assertEquals(0, register.code(), register.all());
    return closedPort;
  }

  private static CliCall runSample(String operator, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--operator", operator, "--step", "generate-trips",
        "--param", "rows=1000", "--output", "trips=s3a://lake/trips", "--output", "zones=s3a://lake/zones"));
    args.addAll(List.of(extra));
    return CliCall.of(args.toArray(String[]::new));
  }

  /** A spec too large for the driver pod's arguments, on an operator with no uploadPath to stage it under. */
  @Test
  void specOver768KibWithoutUploadPathIsRefusedBeforeTheCluster() {
    List<String> conf = new ArrayList<>();
    KubernetesLifecycleTest.padding(832).forEach((key, value) -> conf.addAll(List.of("--conf", key + "=" + value)));
    CliCall call = runSample("k8s", conf.toArray(String[]::new));
    refused(call, "uploadPath", "KiB the driver takes in its arguments");
    assertTrue(call.err().contains("set the operator's uploadPath"), call.err());
  }

  /** One error line naming the field, exit 2, and not a single write to the API server. */
  private static void refused(CliCall call, String field, String words) {
    assertEquals(2, call.code(), call.all());
    assertTrue(call.err().contains(field) && call.err().contains(words), call.all());
    assertTrue(call.err().strip().lines().count() <= 2, "one clear error, no stack trace: " + call.err());
    List<String> creates = cluster.api().writes().stream().filter(w -> !w.startsWith("DELETE")).toList();
    assertTrue(creates.isEmpty(), "nothing submitted: " + creates);
  }

  @Test
  void gpuSampleStepFromTheCliWithStatusAndLogs() throws Exception {
    CliCall run = runSample("k8s", "--resources", "gpus=1", "--detach");
    assertEquals(0, run.code(), run.all());
    Matcher id = Pattern.compile("(\\d{8}-\\d{6}-[0-9a-f]{6})").matcher(run.all());
    assertTrue(id.find(), run.all());
    String runId = id.group(1);
    String podName = KubernetesOperator.driverPodName(runId);
    Pod pod = cluster.client().pods().inNamespace(NS).withName(podName).get();
    assertEquals("registry.example.com/sparkstep-gpu:0.1.0", pod.getSpec().getContainers().get(0).getImage(),
        "a GPU step runs on the operator's GPU image");

    cluster.api().appendLog(NS, podName, "sparkstep: generate-trips wrote 1000 rows\n");
    pod.setStatus(new PodStatusBuilder().withPhase("Succeeded").addToContainerStatuses(new ContainerStatusBuilder()
        .withName("spark-kubernetes-driver").withNewState().withNewTerminated().withExitCode(0)
        .withReason("Completed").endTerminated().endState().build()).build());
    cluster.client().pods().inNamespace(NS).resource(pod).updateStatus();

    CliCall logs = CliCall.of("runs", "logs", runId, "--follow");
    assertEquals(0, logs.code(), logs.all());
    assertTrue(logs.out().contains("generate-trips wrote 1000 rows"), logs.all());
    CliCall status = CliCall.of("runs", "status", runId);
    assertTrue(status.out().contains("SUCCEEDED"), status.all());
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (cluster.client().pods().inNamespace(NS).withName(podName).get() != null) {
      assertTrue(System.nanoTime() < deadline, "the finished run's driver pod is removed (ttlSecondsAfterFinished=0)");
      Thread.sleep(100);
    }
  }

  /**
   * A detached run followed by nobody: the submitting call keeps no thread, and later calls (each as a new process
   * would: a handle from the stored record) find the end, store it, save the whole log once however many of them
   * copy at once, and remove what the run left in the cluster.
   */
  @Test
  void detachedRunIsFinishedByLaterCallsWithoutAFollowerThread() throws Exception {
    CliCall run = runSample("k8s", "--detach");
    assertEquals(0, run.code(), run.all());
    String runId = run.out().strip();
    String podName = KubernetesOperator.driverPodName(runId);
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().matches("sparkstep-k8s-(poll|log|finish).*")),
        "run --detach leaves no thread behind to finish the run");

    Pod pod = cluster.client().pods().inNamespace(NS).withName(podName).get();
    pod.setStatus(new PodStatusBuilder().withPhase("Running").addToContainerStatuses(new ContainerStatusBuilder()
        .withName("spark-kubernetes-driver").withNewState().withNewRunning().withStartedAt("2026-01-02T03:04:05Z")
        .endRunning().endState().build()).build());
    cluster.client().pods().inNamespace(NS).resource(pod).updateStatus();
    List<Thread> pollers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    for (int i = 0; i < 3; i++) {
      Thread poller = new Thread(() -> {
        // each poll a fresh handle from the stored record, as a new `runs status` process makes
        var submitter = new io.sparkstep.submit.StepSubmitter(cluster.home(), new io.sparkstep.registry.FlavorRegistry());
        while (!stop.get()) {
          submitter.attach(runId).state();
        }
      });
      poller.start();
      pollers.add(poller);
    }
    for (int i = 0; i < 60; i++) {
      cluster.api().appendLog(NS, podName, "container line " + i + "\n");
      Thread.sleep(20);
    }
    pod = cluster.client().pods().inNamespace(NS).withName(podName).get();
    pod.setStatus(new PodStatusBuilder().withPhase("Succeeded").addToContainerStatuses(new ContainerStatusBuilder()
        .withName("spark-kubernetes-driver").withNewState().withNewTerminated().withExitCode(0)
        .withStartedAt("2026-01-02T03:04:05Z").withFinishedAt("2026-01-02T03:04:14Z")
        .withReason("Completed").endTerminated().endState().build()).build());
    cluster.client().pods().inNamespace(NS).resource(pod).updateStatus();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!CliCall.of("runs", "list").out().lines().anyMatch(l -> l.startsWith(runId) && l.contains("SUCCEEDED"))) {
      assertTrue(System.nanoTime() < deadline, "runs list finds the end");
      Thread.sleep(200);
    }
    stop.set(true);
    for (Thread poller : pollers) {
      poller.join();
    }
    var stored = new io.sparkstep.spi.record.RunStore(cluster.home()).load(runId).orElseThrow();
    assertEquals(io.sparkstep.api.RunState.SUCCEEDED, stored.state, "record.json is final");
    assertEquals(java.time.Instant.parse("2026-01-02T03:04:05Z"), stored.startedAt, "times are the pod's");
    assertEquals(9000L, stored.durationMillis);
    CliCall logs = CliCall.of("runs", "logs", runId);
    List<String> lines = logs.out().lines().toList();
    for (int i = 0; i < 60; i++) {
      String line = "container line " + i;
      assertEquals(1, lines.stream().filter(line::equals).count(), "each line exactly once: " + lines);
    }
    assertEquals(60, lines.size(), "nothing else copied: " + lines);
    assertEquals(null, cluster.client().pods().inNamespace(NS).withName(podName).get(), "the observer cleaned up");
    assertTrue(cluster.client().configMaps().inNamespace(NS).list().getItems().stream()
        .noneMatch(c -> c.getMetadata().getOwnerReferences().stream().anyMatch(r -> podName.equals(r.getName()))));
  }

  /** A platform that cannot be reached makes the state UNKNOWN with the reason, not a stale RUNNING. */
  @Test
  void unreachableApiServerAfterSubmitShowsUnknownWithTheReason() throws Exception {
    assertEquals(0, cluster.register("flaky").code());
    CliCall run = runSample("flaky", "--detach");
    assertEquals(0, run.code(), run.all());
    String runId = run.out().strip();
    int closedPort = registerUnreachable("flaky");
    CliCall status = CliCall.of("runs", "status", runId);
    assertTrue(status.out().contains("UNKNOWN") && status.out().contains("127.0.0.1:" + closedPort), status.all());
    var stored = new io.sparkstep.spi.record.RunStore(cluster.home()).load(runId).orElseThrow();
    assertEquals(io.sparkstep.api.RunState.UNKNOWN, stored.state);
    cluster.client().pods().inNamespace(NS).withName(KubernetesOperator.driverPodName(runId)).delete();
  }

  @Test
  void operatorWithoutImageIsRefused() {
    CliCall call = cluster.register("noimage", "image=");
    refused(call, "image", "required");
  }

  @Test
  void invalidNamespaceIsRefused() {
    refused(cluster.register("badns", "namespace=ML_Jobs"), "namespace", "not a valid namespace name");
  }

  @Test
  void unknownContextIsRefusedWithTheKnownOnes() {
    CliCall call = cluster.register("badctx", "context=production");
    refused(call, "context", "unknown context 'production'");
    assertTrue(call.err().contains("standin, other"), call.err());
  }

  @Test
  void podTemplateThatIsNotYamlIsRefused() throws Exception {
    Path template = Files.writeString(tmp.resolve("broken.yaml"), "spec:\n  containers: [ {name: driver\n");
    refused(cluster.register("badyaml", "driverPodTemplate=" + template), "driverPodTemplate",
        "not a valid YAML pod template");
  }

  @Test
  void templateBrokenAfterRegistrationRefusesTheRun() throws Exception {
    Path template = tmp.resolve("later-broken.yaml");
    Files.writeString(template, "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: x\n");
    assertEquals(0, cluster.register("later", "executorPodTemplate=" + template).code());
    Files.writeString(template, "kind: Deployment\n");
    cluster.api().requests.clear();
    refused(runSample("later"), "executorPodTemplate", "not a Pod");
  }

  @Test
  void gpuStepOnAnOperatorWithoutGpuImageIsRefused() {
    CliCall register = cluster.register("cpuonly", "gpuImage=");
    assertEquals(0, register.code(), register.all());
    cluster.api().requests.clear();
    refused(runSample("cpuonly", "--resources", "gpus=1"), "gpuImage", "no GPU image");
  }

  @Test
  void gpusWithoutVendorAreRefused() {
    assertEquals(0, cluster.register("novendor", "gpuVendor=").code());
    cluster.api().requests.clear();
    refused(runSample("novendor", "--resources", "gpus=1"), "gpuVendor", "without a vendor");
  }

  @Test
  void fractionalExecutorGpusAreRefused() {
    refused(runSample("k8s", "--conf", "spark.executor.resource.gpu.amount=0.5"),
        "sparkConf.spark.executor.resource.gpu.amount", "fraction of a GPU");
    refused(runSample("k8s", "--resources", "gpus=0.5"), "gpus", "whole number");
  }

  @Test
  void rapidsWithTwoGpusPerExecutorIsRefused() {
    refused(runSample("k8s", "--resources", "gpus=2"), "resources.gpus", "one GPU per executor");
  }

  @Test
  void secretInSparkConfIsRefused() {
    refused(cluster.register("leaky", "conf.spark.hadoop.fs.s3a.secret.key=${SPARKSTEP_TEST_SECRET}"),
        "conf.spark.hadoop.fs.s3a.secret.key", "config map");
  }

  /**
   * An API server that refuses connections fails the run with the cause, on the refusal itself: not by waiting out
   * the submission timeout, and without sitting in retries while cleaning up (the retry-free cleanup client is
   * counted exactly in {@link CleanupClientTest}). The only clock bound is the configured timeout: a retrying
   * cleanup (fabric8's default backoff, about 100 s) or a submission left hanging would pass it by far.
   */
  @Test
  void unreachableApiServerFailsTheRunWithTheCause() throws Exception {
    int submissionTimeoutSeconds = 45;
    int closedPort = registerUnreachable("down", "submissionTimeoutSeconds=" + submissionTimeoutSeconds);
    long start = System.nanoTime();
    CliCall run = runSample("down");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertTrue(run.code() != 0 && run.code() != 2, "a platform failure, not bad input: " + run.all());
    assertTrue(run.err().contains("Kubernetes refused the submission to k8s://https://127.0.0.1:" + closedPort)
        && run.err().contains("Connection refused"), "the cause names the API server and the refusal: " + run.all());
    assertTrue(!run.err().contains("submissionTimeoutSeconds"), "ended by the refusal, not the timeout: " + run.all());
    assertTrue(seconds < submissionTimeoutSeconds, "failed on the refusal, before the configured submission timeout "
        + "of " + submissionTimeoutSeconds + " s, cleanup included: " + seconds + " s");
    CliCall list = CliCall.of("runs", "list");
    assertTrue(list.out().lines().anyMatch(l -> l.contains("down") && l.contains("FAILED")), list.all());
  }
}
