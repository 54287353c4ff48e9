package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps run on a simulated Kubernetes cluster. SIMULATED: the API server (fabric8's mock), the scheduler, the kubelets
 * and the garbage collector ({@link KubeletStandIn}: pods become local JVMs on 127.0.0.1, nodes are numbers). REAL:
 * Sparkstep's submission and run handle, Spark's submission client creating the driver pod, Spark's driver in that
 * pod allocating executor pods through the API (ExecutorPodsAllocator), Spark's KubernetesExecutorBackend running the
 * tasks, executor loss and replacement, dynamic allocation and GPU resource scheduling.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class SparkOnStandInClusterTest {
  static final String NS = "steps";
  static final int ROWS = 100_000;
  /** For a CLI process that only talks to the API server (register, status, logs). */
  static final Duration CLI_TIMEOUT = Duration.ofMinutes(1);
  @TempDir
  static Path tmp;
  // The pods' directories (volumes, work-dir, container.log) stay in target/ for a look after a failure.
  @RegisterExtension
  static final StandInCluster cluster = StandInCluster.apiServer(NS).withKubelet(
      Path.of("target", "stand-in-cluster").toAbsolutePath(),
      StandInNode.cpu("cpu-node-1", 4, 8192), StandInNode.gpu("gpu-node-1", 8, 16384, 2));
  static Path home;
  static KubeletStandIn kubelet;
  static Path engineJar;

  @BeforeAll
  static void registerOperator() throws Exception {
    home = cluster.home();
    kubelet = cluster.kubelet();
    Path script = Path.of("../../spark-conf/getGpusResources.sh").toAbsolutePath().normalize();
    engineJar = StandInCluster.engineJar();
    // As the user does it: `sparkstep operator register` in a process of its own.
    CliProcess register = CliProcess.run(home, CLI_TIMEOUT, cluster.registerArgs("cluster",
        // The image's copy of the discovery script is the repository's: the stand-in runs it as the image would.
        "discoveryScript=" + script, "engineJar=local://" + engineJar, "pendingTimeoutSeconds=5")
        .toArray(String[]::new));
    assertEquals(0, register.code(), register.all());
  }

  @AfterEach
  void nothingLeftRunning() throws Exception {
    eventually("every pod gone and every process ended", Duration.ofSeconds(60), () ->
        cluster.client().pods().inNamespace(NS).list().getItems().isEmpty() && kubelet.liveProcesses().isEmpty());
  }

  static void eventually(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what
            + "\npods: " + podNames() + "\nstarted: " + kubelet.started);
      }
      Thread.sleep(100);
    }
  }

  static List<String> podNames() {
    return cluster.client().pods().inNamespace(NS).list().getItems().stream().map(p -> p.getMetadata().getName()
        + "(" + (p.getStatus() == null ? "-" : p.getStatus().getPhase()) + ")").toList();
  }

  /** Executor pods the kubelet ran for one driver, in the order they started. */
  static List<String> executorsStartedFor(String driverPod) {
    String prefix = driverPod.replaceFirst("-driver$", "") + "-exec-";
    return kubelet.started.stream().map(s -> s.split(" ")[0]).filter(n -> n.startsWith(prefix)).toList();
  }

  static String out(String name) {
    return tmp.resolve("lake").resolve(name).toUri().toString();
  }

  /** A CSV output's rows, sorted: equal for equal data whatever the part files are called. */
  static List<String> csvRows(String name) throws IOException {
    Path dir = tmp.resolve("lake").resolve(name);
    try (Stream<Path> files = Files.list(dir)) {
      List<String> rows = new ArrayList<>();
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        rows.addAll(Files.readAllLines(f));
      }
      return rows.stream().sorted().collect(Collectors.toList());
    }
  }

  static String runIdIn(String text) {
    Matcher id = Pattern.compile("(\\d{8}-\\d{6}-[0-9a-f]{6})").matcher(text);
    assertTrue(id.find(), text);
    return id.group(1);
  }

  static ResourceSpec small(int executors) {
    ResourceSpec r = new ResourceSpec();
    r.executors = executors;
    r.memory = "512m";
    r.executorMemory = "512m";
    return r;
  }

  /**
   * The main path as the user runs it: every CLI call a fresh JVM (register, run, then status and logs from further
   * processes that know the run only from its record), Spark's own submission, driver and executors in the pods.
   */
  @Test
  @Order(1)
  void sampleStepFromTheCliRunsOnTwoExecutorPodsThatTheDriverCreated() throws Exception {
    long start = System.nanoTime();
    CliProcess run = CliProcess.run(home, Duration.ofMinutes(5), "run", "--operator", "cluster",
        "--step", "generate-trips", "--param", "rows=" + ROWS, "--param", "partitions=4",
        "--resources", "executors=2,memory=512m,executorMemory=512m",
        "--output", "trips=" + out("clean/trips") + "@csv", "--output", "zones=" + out("clean/zones") + "@csv");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    System.out.println("sample step through the stand-in cluster: " + seconds + " s; pods started: "
        + kubelet.started + "\n$ sparkstep run ...\n" + run.all());
    assertEquals(0, run.code(), run.all());
    String runId = runIdIn(run.all());
    String driver = KubernetesOperator.driverPodName(runId);
    RunRecord record = new RunStore(home).load(runId).orElseThrow();
    assertEquals(RunState.SUCCEEDED, record.state);
    assertEquals(Long.valueOf(ROWS), record.view().rowsWritten().get("trips"),
        record.view().rowsWritten().toString());
    assertEquals(ROWS, csvRows("clean/trips").size());

    // Spark's driver, not Sparkstep, asked for the executors: they started after the driver, one per executor.
    List<String> executors = executorsStartedFor(driver);
    assertEquals(2, executors.size(), String.valueOf(kubelet.started));
    List<String> startOrder = kubelet.started.stream().map(s -> s.split(" ")[0]).toList();
    assertTrue(startOrder.indexOf(driver) >= 0 && startOrder.indexOf(driver) < startOrder.indexOf(executors.get(0)),
        String.valueOf(kubelet.started));
    for (String executor : executors) {
      // Spark's ExecutorPodsAllocator makes the driver pod the owner of each executor pod it creates.
      Pod pod = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(kubelet.podDir(executor).resolve("pod.yaml")), Pod.class);
      assertEquals(List.of(driver), pod.getMetadata().getOwnerReferences().stream().map(r -> r.getName()).toList());
      assertEquals("executor", pod.getMetadata().getLabels().get("spark-role"));
      String log = kubelet.log(executor);
      assertTrue(log.contains("Running task"), executor + " ran tasks: " + log);
    }

    // Later processes know the run only from its record in the home.
    CliProcess status = CliProcess.run(home, CLI_TIMEOUT, "runs", "status", runId);
    System.out.println("$ sparkstep runs status " + runId + "\n" + status.all());
    assertEquals(0, status.code(), status.all());
    assertTrue(status.out().contains("SUCCEEDED"), status.all());
    CliProcess logs = CliProcess.run(home, CLI_TIMEOUT, "runs", "logs", runId);
    assertEquals(0, logs.code(), logs.err());
    assertTrue(logs.out().contains("KubernetesClusterSchedulerBackend") || logs.out().contains("ExecutorPodsAllocator"),
        "the run's log is the driver pod's: " + logs.out().lines().limit(40).collect(Collectors.joining("\n")));
  }

  static StepRun submitTrips(String name) throws Exception {
    return Sparkstep.operator("cluster", home).step("generate-trips").param("rows", ROWS).param("partitions", 4)
        .output("trips", out(name + "/trips"), "csv")
        .output("zones", out(name + "/zones"), "csv")
        .resources(StepResources.builder().executors(2).memory("512m").executorMemory("512m").build()).submit();
  }

  static String executorRunningATask(String driver) {
    return executorsStartedFor(driver).stream().filter(e -> kubelet.log(e).contains("Running task")).findFirst()
        .orElse(null);
  }

  /** REAL: Spark's driver sees its executor die (SIGKILL, as a node failure would), asks for a new pod, reruns. */
  @Test
  @Order(2)
  void executorKilledMidStepIsReplacedAndTheOutputIsTheSameAsAClean() throws Exception {
    StepRun run = submitTrips("killed");
    String driver = KubernetesOperator.driverPodName(run.id());
    eventually("an executor running a task", Duration.ofMinutes(4), () -> executorRunningATask(driver) != null);
    String victim = executorRunningATask(driver);
    Process process = kubelet.process(victim);
    assertNotNull(process, victim + " runs");
    process.destroyForcibly(); // kill -9
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(5)), String.valueOf(run.record().errorMessage()));
    List<String> executors = executorsStartedFor(driver);
    assertTrue(executors.size() >= 3, "the driver asked for a replacement pod: " + executors);
    String log = Files.readString(new RunStore(home).logFile(run.id()));
    assertTrue(log.contains("Lost executor") || log.contains("exited with exit code 137"),
        "the driver saw its executor die");
    assertEquals(csvRows("clean/trips"), csvRows("killed/trips"), "same rows as the clean run");
    assertEquals(csvRows("clean/zones"), csvRows("killed/zones"));
  }

  /** SIMULATED: the kernel's OOM kill of the driver container; REAL: how the run handle reports it. */
  @Test
  @Order(4)
  void driverOomKilledFailsTheRunWithTheReason() throws Exception {
    StepRun run = submitTrips("oom");
    String driver = KubernetesOperator.driverPodName(run.id());
    eventually("the driver running", Duration.ofMinutes(2), () -> kubelet.process(driver) != null
        && run.state() == RunState.RUNNING);
    kubelet.oomKill(driver);
    assertEquals(RunState.FAILED, run.await(Duration.ofMinutes(1)));
    String error = run.record().errorMessage();
    assertTrue(error.contains("OOMKilled") && error.contains("137") && error.contains("resources.memory"), error);
    assertTrue(!Files.exists(tmp.resolve("lake/oom/trips")), "nothing committed");
  }

  /**
   * REAL: Spark's GPU resource scheduling (discovery script, executor and task amounts). SIMULATED: the GPU nodes
   * and the device plugin (a stand-in nvidia-smi lists the GPUs granted to the container).
   */
  @Test
  @Order(5)
  void gpuStepGetsOneGpuPerExecutorOnGpuNodesAndTaskAmountsFollowCores() throws Exception {
    CliCall run = CliCall.of("run", "--operator", "cluster", "--step", "generate-trips", "--param", "rows=1000",
        "--resources", "gpus=1,executors=2,executorCpu=2,memory=512m,executorMemory=512m", "--accelerator", "none",
        "--output", "trips=" + out("gpu/trips") + "@csv", "--output", "zones=" + out("gpu/zones") + "@csv");
    assertEquals(0, run.code(), run.all());
    String driver = KubernetesOperator.driverPodName(runIdIn(run.all()));
    List<String> executors = executorsStartedFor(driver);
    assertEquals(2, executors.size(), String.valueOf(kubelet.started));
    assertEquals(1000, csvRows("gpu/trips").size());
    assertEquals("cpu-node-1", kubelet.node(driver), "the driver asks for no GPU and tolerates no GPU taint");
    for (String executor : executors) {
      assertEquals("gpu-node-1", kubelet.node(executor), "GPU executors go where the GPUs are");
      Pod pod = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(kubelet.podDir(executor).resolve("pod.yaml")), Pod.class);
      assertEquals("1", pod.getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu")
          .toString(), "Spark set the pod's GPU limit");
      String log = kubelet.log(executor);
      assertTrue(log.contains("Custom resources for spark.executor") && log.contains("gpu -> [name: gpu, addresses: 0]"),
          executor + " found its one GPU with the discovery script: " + log);
    }
    String props = Files.readString(kubelet.podDir(driver).resolve("volumes/spark-conf-volume-driver/spark.properties"));
    assertTrue(props.contains("spark.task.resource.gpu.amount=0.5"), "two cores share the GPU: " + props);
    String driverLog = kubelet.log(driver);
    assertTrue(driverLog.contains("at 2 tasks per executor"), "Spark runs two tasks per executor");
  }

  /** SIMULATED: the scheduler finding no node with 4 free GPUs; REAL: the run handle's pending timeout. */
  @Test
  @Order(6)
  void gpusThatFitNoNodeShowThePendingReasonAndFailAfterThePendingTimeout() throws Exception {
    CliCall run = CliCall.of("run", "--operator", "cluster", "--step", "generate-trips", "--param", "rows=1000",
        "--resources", "gpus=4,executors=1,memory=512m,executorMemory=512m", "--accelerator", "none", "--detach",
        "--output", "trips=" + out("nogpu/trips") + "@csv", "--output", "zones=" + out("nogpu/zones") + "@csv");
    assertEquals(0, run.code(), run.all());
    String runId = runIdIn(run.all());
    String[] seen = new String[1];
    eventually("the scheduler's reason in runs status", Duration.ofMinutes(3), () -> {
      CliCall status = CliCall.of("runs", "status", runId);
      seen[0] = status.out();
      return status.out().contains("Insufficient nvidia.com/gpu") || status.out().contains("FAILED");
    });
    assertTrue(seen[0].contains("waiting: pod ") && seen[0].contains("-exec-1 cannot be scheduled: "
        + "0/2 nodes are available: 2 Insufficient nvidia.com/gpu."), "the executor pod's reason: " + seen[0]);
    StepRun attached = new io.sparkstep.submit.StepSubmitter(home, new io.sparkstep.registry.FlavorRegistry()).attach(runId);
    assertEquals(RunState.FAILED, attached.await(Duration.ofMinutes(1)));
    CliCall status = CliCall.of("runs", "status", runId);
    assertTrue(status.out().contains("FAILED") && status.out().contains("Insufficient nvidia.com/gpu")
        && status.out().contains("pendingTimeoutSeconds"), status.all());
  }

  /** REAL: Spark's ExecutorAllocationManager with shuffle tracking asking the driver for pods and giving them back. */
  @Test
  @Order(7)
  void dynamicAllocationScalesExecutorPodsUpAndBack() throws Exception {
    StepRun run = Sparkstep.operator("cluster", home).step(ScalingProbeStep.class)
        .resources(StepResources.builder().memory("512m").executorMemory("512m").dynamicAllocation(0, 2).build())
        .conf("spark.dynamicAllocation.executorIdleTimeout", "2s")
        .conf("spark.dynamicAllocation.schedulerBacklogTimeout", "1s").submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(6)), String.valueOf(run.record().errorMessage()));
    String driver = KubernetesOperator.driverPodName(run.id());
    assertEquals(2, executorsStartedFor(driver).size(), "scaled up to maxExecutors: " + kubelet.started);
    String log = Files.readString(new RunStore(home).logFile(run.id()));
    assertTrue(log.contains("dynamic allocation: 2 executors added, at most 2 at once, 2 removed, 0 left"),
        "scaled back to minExecutors while the driver ran: " + log.lines()
            .filter(l -> l.contains("dynamic allocation") || l.contains("ExecutorAllocationManager")).toList());
  }

  /**
   * A user's own step jar, named only by the Java API's jars (the CLI's --jars): Spark's client uploads it to
   * uploadPath, the driver pod's spark-submit loads it and serves it to the executor pod, whose tasks run the step's
   * lambda. Without uploadPath a local jar is refused before any pod exists, as is a jar that is not there.
   */
  @Test
  @Order(8)
  void externalStepJarIsUploadedBySparkAndRunsOnTheExecutorPod() throws Exception {
    Path jar = io.sparkstep.testing.ExternalStepJar.build(tmp.resolve("external"));
    Path upload = tmp.resolve("upload");
    cluster.store("with-upload", java.util.Map.of("engineJar", "local://" + engineJar,
        "uploadPath", upload.toUri().toString(), "pendingTimeoutSeconds", "5"));
    StepRun run = io.sparkstep.testing.ExternalStepRuns.assertRunsWithItsRows("with-upload", home, jar,
        tmp.resolve("lake/squares"), 40, Duration.ofMinutes(4), s -> s.resources(
            StepResources.builder().executors(1).memory("512m").executorMemory("512m").build()));
    List<String> executors = executorsStartedFor(KubernetesOperator.driverPodName(run.id()));
    assertEquals(1, executors.size(), String.valueOf(kubelet.started));
    assertTrue(kubelet.log(executors.get(0)).contains("even-squares-steps.jar"),
        "the executor fetched the step jar from the driver");
    try (Stream<Path> files = Files.walk(upload)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().equals(jar.getFileName().toString())),
          "Spark's client uploaded the jar under uploadPath");
    }

    int podsBefore = kubelet.started.size();
    InvalidSpecException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidSpecException.class,
        () -> Sparkstep.operator("cluster", home).jars(jar.toString()).step(io.sparkstep.testing.ExternalStepJar.ALIAS)
            .output("squares", out("never")).submit());
    assertEquals(1, refused.problems().size(), refused.getMessage());
    assertEquals("jars", refused.problems().get(0).field(), refused.getMessage());
    assertTrue(refused.getMessage().contains("uploadPath"), refused.getMessage());
    io.sparkstep.testing.ExternalStepRuns.assertMissingJarRefused("cluster", home, tmp);
    assertEquals(podsBefore, kubelet.started.size(), "nothing was created for a refused spec");
  }

  /**
   * REAL: a spec past what the driver pod takes in its arguments (768 KiB) staged by the submitter under uploadPath,
   * read from {@code --spec URI} by the entrypoint in the driver pod, and its copy deleted with the run's pods.
   */
  @Test
  @Order(9)
  void specOver768KibIsReadByTheDriverPodFromUploadPath() throws Exception {
    Path upload = tmp.resolve("spec-upload");
    cluster.store("with-spec-upload", java.util.Map.of("engineJar", "local://" + engineJar,
        "uploadPath", upload.toUri().toString(), "pendingTimeoutSeconds", "5"));
    java.util.Map<String, String> padding = KubernetesLifecycleTest.padding(832);
    StepRun run = Sparkstep.operator("with-spec-upload", home).step("generate-trips").param("rows", 1000)
        .conf(padding).output("trips", out("staged-spec/trips"), "csv").output("zones", out("staged-spec/zones"), "csv")
        .resources(StepResources.builder().executors(1).memory("512m").executorMemory("512m").build()).submit();
    String staged = new RunStore(home).load(run.id()).orElseThrow().platform.get("specUri");
    assertNotNull(staged, "the record names the staged spec");
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(4)), run.record().errorMessage());
    assertEquals(1000, csvRows("staged-spec/trips").size(), "the driver ran the staged spec");
    String driver = KubernetesOperator.driverPodName(run.id());
    assertTrue(kubelet.log(driver).contains("generate-trips"), "the driver pod ran the step");
    eventually("the staged spec deleted with the run's pods", Duration.ofSeconds(60),
        () -> !Files.exists(Path.of(java.net.URI.create(staged))));
  }
}
