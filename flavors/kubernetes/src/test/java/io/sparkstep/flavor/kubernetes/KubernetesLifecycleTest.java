package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.EntrypointContract;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run's life as the driver pod lives it: the test plays the kubelet in the API server stand-in (pod phases,
 * container states, the log it serves) and checks what the run handle makes of it: states, exit reasons, the log
 * streamed into the run's log file, cancel deleting the pod, and cleanup of what Spark created.
 */
@Tag("slow")
class KubernetesLifecycleTest {
  static final String NS = "steps";
  @RegisterExtension
  static final StandInCluster cluster = StandInCluster.apiServer(NS);
  static Path home;

  @BeforeAll
  static void registerOperator() {
    home = cluster.home();
    cluster.store("k8s", Map.of());
  }

  private static StepRun submit(String out) throws Exception {
    return Sparkstep.operator("k8s", home).step("generate-trips").param("rows", 100)
        .output("trips", "s3a://lake/" + out + "/trips").output("zones", "s3a://lake/" + out + "/zones").submit();
  }

  private static String podName(StepRun run) {
    return KubernetesOperator.driverPodName(run.id());
  }

  /** What the kubelet reports: a phase and the driver container's state. */
  private static void kubelet(StepRun run, PodStatus status) {
    Pod pod = cluster.client().pods().inNamespace(NS).withName(podName(run)).get();
    pod.setStatus(status);
    cluster.client().pods().inNamespace(NS).resource(pod).updateStatus();
  }

  private static PodStatus running() {
    return new PodStatusBuilder().withPhase("Running").addToContainerStatuses(new ContainerStatusBuilder()
        .withName("spark-kubernetes-driver").withNewState().withNewRunning().endRunning().endState().build()).build();
  }

  private static PodStatus terminated(String phase, int exitCode, String reason) {
    return new PodStatusBuilder().withPhase(phase).addToContainerStatuses(new ContainerStatusBuilder()
        .withName("spark-kubernetes-driver").withNewState().withNewTerminated().withExitCode(exitCode)
        .withReason(reason).endTerminated().endState().build()).build();
  }

  private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Config maps and services whose owner is the named driver pod. */
  private static List<String> ownedBy(String pod) {
    List<HasMetadata> all = new ArrayList<>(cluster.client().configMaps().inNamespace(NS).list().getItems());
    all.addAll(cluster.client().services().inNamespace(NS).list().getItems());
    return all.stream().filter(o -> o.getMetadata().getOwnerReferences() != null && o.getMetadata()
            .getOwnerReferences().stream().anyMatch(ref -> pod.equals(ref.getName())))
        .map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.toList());
  }

  private static String log(StepRun run) {
    try {
      Path file = new RunStore(home).logFile(run.id());
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void podPhasesBecomeStatesAndAnOomKillFailsTheRunWithItsReason() throws Exception {
    StepRun run = submit("oom");
    String pod = podName(run);
    assertEquals(RunState.SUBMITTED, run.state());

    kubelet(run, new PodStatusBuilder().withPhase("Pending").addToContainerStatuses(new ContainerStatusBuilder()
        .withName("spark-kubernetes-driver").withNewState().withNewWaiting().withReason("ImagePullBackOff")
        .withMessage("Back-off pulling image").endWaiting().endState().build()).build());
    eventually("the waiting reason in the record", () -> String.valueOf(run.record().waitingReason())
        .startsWith("ImagePullBackOff"));
    assertEquals(RunState.SUBMITTED, run.state(), "a pull back-off may still resolve");

    cluster.api().appendLog(NS, pod, "sparkstep: step generate-trips starting\n");
    kubelet(run, running());
    eventually("RUNNING", () -> run.state() == RunState.RUNNING);
    eventually("the first log line streamed", () -> log(run).contains("step generate-trips starting"));
    assertTrue(run.record().sparkAppId() != null && run.record().sparkAppId().startsWith("spark-"),
        "app id from the pod's spark-app-selector label: " + run.record().sparkAppId());

    List<String> owned = ownedBy(pod);
    assertTrue(owned.size() >= 2, "Spark's client created config maps and a service owned by the pod: " + owned);
    cluster.api().appendLog(NS, pod, "java.lang.OutOfMemoryError: Java heap space\n");
    kubelet(run, terminated("Failed", 137, "OOMKilled"));
    assertEquals(RunState.FAILED, run.await(Duration.ofSeconds(30)));
    String error = run.record().errorMessage();
    assertTrue(error.contains("OOMKilled") && error.contains("137") && error.contains("resources.memory"), error);
    String log = log(run);
    assertEquals(1, log.split("step generate-trips starting", -1).length - 1, "each line once: " + log);
    assertTrue(log.contains("OutOfMemoryError"), "the last lines were saved before the run ended: " + log);

    RunRecord stored = new RunStore(home).load(run.id()).orElseThrow();
    assertEquals(RunState.FAILED, stored.state);
    assertEquals("137", stored.platform.get("exitCode"));
    eventually("the failed run's pod and config maps removed", () ->
        cluster.client().pods().inNamespace(NS).withName(pod).get() == null);
    List<String> left = ownedBy(pod);
    assertTrue(left.isEmpty(), "objects of the run left behind: " + left);
  }

  @Test
  void succeededPodSucceedsAndLogsFollowFromAnotherCall() throws Exception {
    StepRun run = submit("ok");
    String pod = podName(run);
    cluster.api().appendLog(NS, pod, "line one\n");
    kubelet(run, running());
    eventually("RUNNING", () -> run.state() == RunState.RUNNING);
    // What the entrypoint in the driver prints last: its record on one line (its record.json stays in the pod).
    RunRecord driverRecord = new RunRecord(run.id(), "generate-trips", "k8s", "kubernetes")
        .outputCommitted("trips", new RunRecord.OutputInfo("s3a://lake/ok/trips", "parquet", 100L, true))
        .sparkApp("spark-0123456789abcdef");
    String recordLine = EntrypointContract.RECORD_LINE_PREFIX + RunRecordJson.writeLine(driverRecord);
    cluster.api().appendLog(NS, pod, "line two\n" + recordLine + "\n");
    kubelet(run, terminated("Succeeded", 0, "Completed"));
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofSeconds(30)));
    List<String> lines = run.logs(false).toList();
    assertEquals(List.of("line one", "line two", recordLine), lines);
    assertNull(run.record().errorMessage());
    assertEquals(Map.of("trips", 100L), run.record().rowsWritten(), "rows from the driver's record");
    assertEquals(Map.of("trips", 100L), new RunStore(home).load(run.id()).orElseThrow().view().rowsWritten());
  }

  /**
   * Spark conf that makes a spec {@code kib} KiB larger, in values of 32 KiB (one value may hold at most 64 KiB, see
   * SpecValidator's limits).
   */
  static Map<String, String> padding(int kib) {
    Map<String, String> padding = new java.util.TreeMap<>();
    for (int i = 0; i < kib / 32; i++) {
      padding.put("spark.sparkstep.test.padding" + i, Integer.toString(i % 10).repeat(32 * 1024));
    }
    return padding;
  }

  /** A spec past the OS limit for one argument (128 KiB) reaches the driver in parts that each fit one. */
  @Test
  void specOf256KibReachesTheDriverInArgumentsUnderTheOsLimit() throws Exception {
    Map<String, String> padding = padding(256);
    StepRun run = Sparkstep.operator("k8s", home).step("generate-trips").param("rows", 100).conf(padding)
        .output("trips", "s3a://lake/big/trips").output("zones", "s3a://lake/big/zones").submit();
    Pod pod = cluster.client().pods().inNamespace(NS).withName(podName(run)).get();
    List<String> args = pod.getSpec().getContainers().get(0).getArgs();
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      assertTrue(args.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 128 * 1024,
          "argument " + i + " is " + args.get(i).length() + " bytes");
      if (args.get(i).equals("--spec-json-part")) {
        json.append(args.get(i + 1));
      }
    }
    var spec = io.sparkstep.spi.spec.StepSpecJson.read(json.toString());
    padding.forEach((key, value) -> assertEquals(value, spec.sparkConf.get(key), "the parts join into the spec"));
    run.cancel();
    assertEquals(RunState.CANCELLED, run.await(Duration.ofSeconds(30)));
  }

  /**
   * A spec past what the pod takes inline (768 KiB) is staged under uploadPath: the driver gets {@code --spec URI},
   * the run's record names the copy, and the copy is deleted with the run's pod when the run ends.
   */
  @Test
  void specOver768KibIsStagedUnderUploadPathAndTheDriverGetsItsUri() throws Exception {
    Path upload = Files.createDirectories(home.resolve("upload"));
    cluster.store("k8s-staging", Map.of("uploadPath", upload.toUri().toString()));
    Map<String, String> padding = padding(832);
    StepRun run = Sparkstep.operator("k8s-staging", home).step("generate-trips").param("rows", 100).conf(padding)
        .output("trips", "s3a://lake/staged/trips").output("zones", "s3a://lake/staged/zones").submit();
    Pod pod = cluster.client().pods().inNamespace(NS).withName(podName(run)).get();
    List<String> args = pod.getSpec().getContainers().get(0).getArgs();
    assertTrue(!args.contains("--spec-json-part"), "nothing inline: " + args.size() + " arguments");
    int flag = args.indexOf("--spec");
    assertTrue(flag >= 0 && flag + 1 < args.size(), "the driver is given --spec URI: " + args);
    String uri = args.get(flag + 1);
    assertEquals(upload.toUri() + "specs/" + run.id() + ".json", uri, "under uploadPath/specs/");
    assertEquals(uri, new RunStore(home).load(run.id()).orElseThrow().platform.get("specUri"),
        "the record names the staged copy");
    Path staged = Path.of(java.net.URI.create(uri));
    var spec = io.sparkstep.spi.spec.StepSpecJson.read(Files.readString(staged));
    padding.forEach((key, value) -> assertEquals(value, spec.sparkConf.get(key), "the staged copy is the spec"));
    assertEquals(KubernetesOperator.POD_RUN_DIR, spec.runDir, "the driver's spec, as the pod runs it");

    kubelet(run, terminated("Failed", 1, "Error"));
    assertEquals(RunState.FAILED, run.await(Duration.ofSeconds(30)));
    eventually("the staged spec deleted with the run's pod", () -> !Files.exists(staged));
    assertNull(cluster.client().pods().inNamespace(NS).withName(podName(run)).get());
  }

  @Test
  void exitCodeFourIsTheEntrypointsCancel() throws Exception {
    StepRun run = submit("sigterm");
    kubelet(run, running());
    eventually("RUNNING", () -> run.state() == RunState.RUNNING);
    kubelet(run, terminated("Failed", 4, "Error"));
    assertEquals(RunState.CANCELLED, run.await(Duration.ofSeconds(30)));
  }

  @Test
  void aFailedStepKeepsTheStepsOwnCause() throws Exception {
    StepRun run = submit("stepfail");
    kubelet(run, running());
    eventually("RUNNING", () -> run.state() == RunState.RUNNING);
    RunRecord driverRecord = new RunRecord(run.id(), "generate-trips", "k8s", "kubernetes")
        .failed(RunRecord.ErrorInfo.of("IllegalArgumentException", "zones must be positive"));
    cluster.api().appendLog(NS, podName(run), EntrypointContract.RECORD_LINE_PREFIX + RunRecordJson.writeLine(driverRecord)
        + "\n");
    kubelet(run, terminated("Failed", 1, "Error"));
    assertEquals(RunState.FAILED, run.await(Duration.ofSeconds(30)));
    assertEquals("zones must be positive", run.record().errorMessage());
    RunRecord stored = new RunStore(home).load(run.id()).orElseThrow();
    assertTrue(stored.platform.get("podFailure").contains("exit code 1"), stored.platform.toString());
    assertEquals("kubernetes: " + stored.platform.get("podFailure"), stored.error.rootCause,
        "what the pod said stays next to the step's cause, as on the job flavors");
  }

  @Test
  void cancelFromTheCliDeletesTheDriverPod() throws Exception {
    StepRun run = submit("cancel");
    String pod = podName(run);
    kubelet(run, running());
    eventually("RUNNING", () -> run.state() == RunState.RUNNING);
    CliCall cancel = CliCall.of("runs", "cancel", run.id());
    assertEquals(0, cancel.code(), cancel.all());
    assertNull(cluster.client().pods().inNamespace(NS).withName(pod).get(), "cancel deleted the driver pod");
    assertTrue(cluster.api().requests.contains("DELETE /api/v1/namespaces/" + NS + "/pods/" + pod),
        String.valueOf(cluster.api().writes()));
    assertEquals(RunState.CANCELLED, run.await(Duration.ofSeconds(30)), "the submitting handle sees it too");
    assertEquals(RunState.CANCELLED, new RunStore(home).load(run.id()).orElseThrow().state);
  }
}
