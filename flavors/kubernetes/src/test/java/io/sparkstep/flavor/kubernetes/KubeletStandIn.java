package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * SIMULATED control plane below the API server: the scheduler, the kubelet of every node and the garbage collector,
 * on the fabric8 mock API server ({@link KubernetesApiStandIn}). It watches the namespace's pods and
 *
 * <ul>
 *   <li>schedules each new pod onto a {@link StandInNode} by its requests (CPU, memory, {@code nvidia.com/gpu}),
 *       node selector and the GPU taint, or leaves it Pending with the scheduler's condition
 *       ({@code PodScheduled=False, Unschedulable, "0/2 nodes are available: 2 Insufficient nvidia.com/gpu."});</li>
 *   <li>runs the pod's Spark container as a local JVM ({@link StandInContainer}) and reports its phase, Ready
 *       condition and container state (Running; Succeeded/Failed with exit code and reason) through the API;</li>
 *   <li>serves the container's output as the pod's log (the API stand-in's log endpoint);</li>
 *   <li>stops the process when its pod is deleted (SIGTERM, SIGKILL after the grace period) and deletes what the
 *       pod owned (owner references), as the garbage collector does.</li>
 * </ul>
 *
 * Everything the pods run is Spark's own code: the driver's executor allocation creates the executor pods through
 * the API, exactly as on a cluster.
 */
final class KubeletStandIn implements AutoCloseable {
  private final KubernetesApiStandIn api;
  private final KubernetesClient client;
  private final String namespace;
  private final List<StandInNode> nodes;
  private final Path workDir;
  private final Path hostsFile;
  /** Pod uid to its placement (held until the pod is final or deleted). */
  private final Map<String, Placed> placed = new ConcurrentHashMap<>();
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  private final Map<String, String> unschedulable = new ConcurrentHashMap<>();
  /** Every pod this kubelet started, in order, with when: how the tests tell who created what. */
  final List<String> started = new CopyOnWriteArrayList<>();
  private final Semaphore wake = new Semaphore(0);
  private final Thread loop;
  private final Watch watch;
  private volatile boolean closed;

  private record Placed(Pod pod, StandInNode node, List<String> gpus, Instant at, Process[] process) {
  }

  KubeletStandIn(KubernetesApiStandIn api, String namespace, Path workDir, StandInNode... nodes) throws IOException {
    this.api = api;
    this.client = api.client;
    this.namespace = namespace;
    this.nodes = List.of(nodes);
    this.workDir = Files.createDirectories(workDir);
    this.hostsFile = workDir.resolve("hosts");
    writeHosts();
    for (StandInNode n : nodes) {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n.name()).withLabels(n.labels())
          .endMetadata().withNewStatus().withAllocatable(Map.of("cpu", new Quantity(Integer.toString(n.cpus())),
              "memory", new Quantity(n.memoryMib() + "Mi"), StandInNode.GPU,
              new Quantity(Integer.toString(n.gpus())))).endStatus().build()).create();
    }
    watch = client.pods().inNamespace(namespace).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod resource) {
        wake.release();
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
    loop = new Thread(this::run, "kubelet-stand-in");
    loop.setDaemon(true);
    loop.start();
  }

  /** Local directory of a pod: its volumes, work-dir and {@code container.log}. */
  Path podDir(String podName) {
    return workDir.resolve("pods").resolve(podName);
  }

  /** The process running a pod, if it runs. */
  Process process(String podName) {
    return placed.values().stream().filter(p -> p.pod.getMetadata().getName().equals(podName))
        .map(p -> p.process[0]).filter(p -> p != null && p.isAlive()).findFirst().orElse(null);
  }

  /** Every process this kubelet started that is still alive. */
  List<ProcessHandle> liveProcesses() {
    return started.stream().map(s -> s.split(" ")[1]).map(Long::parseLong).map(ProcessHandle::of)
        .flatMap(java.util.Optional::stream).filter(ProcessHandle::isAlive).toList();
  }

  /** The node a pod was scheduled onto (kept after the pod is gone). */
  String node(String podName) {
    return scheduledOnto.get(podName);
  }

  private final Map<String, String> scheduledOnto = new ConcurrentHashMap<>();

  /**
   * SIMULATED: the kernel's OOM killer when a container passes its memory limit: SIGKILL, and the kubelet reports
   * the container terminated with reason OOMKilled, exit code 137.
   */
  void oomKill(String podName) {
    Placed p = placed.values().stream().filter(x -> x.pod.getMetadata().getName().equals(podName)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no process for pod " + podName));
    oomKilled.add(p.pod.getMetadata().getUid());
    p.process[0].destroyForcibly();
  }

  private final Set<String> oomKilled = ConcurrentHashMap.newKeySet();

  private void run() {
    while (!closed) {
      try {
        wake.tryAcquire(300, TimeUnit.MILLISECONDS);
        wake.drainPermits();
        reconcile();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | IOException e) {
        if (!closed) {
          System.err.println("kubelet stand-in: " + e);
        }
      }
    }
  }

  private void reconcile() throws IOException {
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    Set<String> present = pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    // Deleted pods: stop their processes, collect what they owned.
    for (var e : new ArrayList<>(placed.entrySet())) {
      if (!present.contains(e.getKey())) {
        placed.remove(e.getKey());
        Placed gone = e.getValue();
        Thread stopper = new Thread(() -> stop(gone), "kubelet-stop-" + gone.pod.getMetadata().getName());
        stopper.setDaemon(true);
        stopper.start();
        collectGarbage(e.getKey());
      }
    }
    for (String uid : new ArrayList<>(unschedulable.keySet())) {
      if (!present.contains(uid)) {
        unschedulable.remove(uid);
        collectGarbage(uid);
      }
    }
    writeHosts();
    for (Pod pod : pods) {
      String uid = pod.getMetadata().getUid();
      if (placed.containsKey(uid) || done.contains(uid)) {
        continue;
      }
      schedule(pod);
    }
  }

  private void schedule(Pod pod) throws IOException {
    String uid = pod.getMetadata().getUid();
    Map<String, Integer> reasons = new LinkedHashMap<>();
    StandInNode chosen = null;
    for (StandInNode node : nodes) {
      String misfit = node.misfit(pod, used(node));
      if (misfit == null) {
        chosen = node;
        break;
      }
      reasons.merge(misfit, 1, Integer::sum);
    }
    if (chosen == null) {
      String message = "0/" + nodes.size() + " nodes are available: " + reasons.entrySet().stream()
          .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + ".";
      if (!message.equals(unschedulable.put(uid, message))) {
        updateStatus(pod, s -> new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
            .withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage(message)
            .withLastTransitionTime(Instant.now().toString()).build()).build());
      }
      return;
    }
    unschedulable.remove(uid);
    List<String> gpus = new ArrayList<>();
    int want = StandInNode.Demand.of(pod).gpus();
    for (int i = 0; gpus.size() < want && i < chosen.gpus(); i++) {
      String id = "GPU-" + chosen.name() + "-" + i;
      if (placed.values().stream().noneMatch(p -> p.gpus.contains(id))) {
        gpus.add(id);
      }
    }
    Path dir = Files.createDirectories(podDir(pod.getMetadata().getName()));
    Files.writeString(dir.resolve("pod.yaml"), io.fabric8.kubernetes.client.utils.Serialization.asYaml(pod));
    ProcessBuilder builder = StandInContainer.of(pod, client, dir, hostsFile, api.url(), gpus);
    if (builder == null) {
      return; // ContainerCreating: a config map it mounts is not there yet; the next round tries again
    }
    Placed p = new Placed(pod, chosen, gpus, Instant.now(), new Process[1]);
    placed.put(uid, p);
    scheduledOnto.put(pod.getMetadata().getName(), chosen.name());
    Process process = builder.start();
    p.process[0] = process;
    started.add(pod.getMetadata().getName() + " " + process.pid() + " " + Instant.now());
    Thread pump = new Thread(() -> pumpOutput(pod, process), "kubelet-log-" + pod.getMetadata().getName());
    pump.setDaemon(true);
    pump.start();
    String startedAt = Instant.now().toString();
    updateStatus(pod, s -> new PodStatusBuilder().withPhase("Running").withHostIP(StandInContainer.POD_IP)
        .withPodIP(StandInContainer.POD_IP).withStartTime(startedAt)
        .withConditions(condition("PodScheduled"), condition("Initialized"), condition("ContainersReady"),
            condition("Ready"))
        .withContainerStatuses(containerStatus(pod, new ContainerStatusBuilder().withNewState().withNewRunning()
            .withStartedAt(startedAt).endRunning().endState().withReady(true))).build());
    process.onExit().thenRun(() -> exited(uid, pod, process));
  }

  private static PodCondition condition(String type) {
    return new PodConditionBuilder().withType(type).withStatus("True")
        .withLastTransitionTime(Instant.now().toString()).build();
  }

  private static ContainerStatus containerStatus(Pod pod, ContainerStatusBuilder state) {
    var c = pod.getSpec().getContainers().get(0);
    return state.withName(c.getName()).withImage(c.getImage()).withRestartCount(0).build();
  }

  private StandInNode.Demand used(StandInNode node) {
    StandInNode.Demand used = new StandInNode.Demand(0, 0, 0);
    for (Placed p : placed.values()) {
      if (p.node.equals(node)) {
        used = used.plus(StandInNode.Demand.of(p.pod));
      }
    }
    return used;
  }

  private void exited(String uid, Pod pod, Process process) {
    Placed p = placed.remove(uid);
    done.add(uid);
    wake.release();
    if (p == null) {
      return; // the pod was deleted: nothing to report on
    }
    int code = process.exitValue();
    boolean oom = oomKilled.contains(uid);
    String reason = oom ? "OOMKilled" : code == 0 ? "Completed" : "Error";
    String finishedAt = Instant.now().toString();
    updateStatus(pod, s -> {
      s.setPhase(code == 0 ? "Succeeded" : "Failed");
      s.setConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus("False")
          .withReason("PodCompleted").build()));
      s.setContainerStatuses(List.of(containerStatus(pod, new ContainerStatusBuilder().withNewState()
          .withNewTerminated().withExitCode(oom ? 137 : code).withReason(reason).withFinishedAt(finishedAt)
          .endTerminated().endState().withReady(false))));
      return s;
    });
  }

  private void stop(Placed p) {
    Process process = p.process[0];
    if (process == null || !process.isAlive()) {
      return;
    }
    Long grace = p.pod.getSpec().getTerminationGracePeriodSeconds();
    process.destroy();
    try {
      if (!process.waitFor(grace == null ? 30 : Math.min(grace, 30), TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The garbage collector: what the deleted pod owned goes with it (Spark's executors, config maps, service). */
  private void collectGarbage(String ownerUid) {
    List<HasMetadata> owned = new ArrayList<>();
    owned.addAll(client.pods().inNamespace(namespace).list().getItems());
    owned.addAll(client.configMaps().inNamespace(namespace).list().getItems());
    owned.addAll(client.services().inNamespace(namespace).list().getItems());
    for (HasMetadata o : owned) {
      if (o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
          .anyMatch(r -> ownerUid.equals(r.getUid()))) {
        try {
          client.resource(o).inNamespace(namespace).delete();
        } catch (KubernetesClientException e) {
          // already gone
        }
      }
    }
  }

  private void pumpOutput(Pod pod, Process process) {
    String name = pod.getMetadata().getName();
    Path file = podDir(name).resolve("container.log");
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getInputStream();
         OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        api.appendLog(namespace, name, new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  /** The pod's log as the kubelet serves it. */
  String log(String podName) {
    StringBuilder text = api.logs.get(namespace + "/" + podName);
    return text == null ? "" : text.toString();
  }

  private void updateStatus(Pod pod, UnaryOperator<PodStatus> change) {
    for (int attempt = 0; attempt < 10; attempt++) {
      Pod current = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
      if (current == null || !current.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
        return;
      }
      current.setStatus(change.apply(current.getStatus() == null ? new PodStatus() : current.getStatus()));
      try {
        client.pods().inNamespace(namespace).resource(current).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          if (e.getCode() == 404) {
            return;
          }
          throw e;
        }
      }
    }
  }

  /** Service names (short, namespaced, FQDN) and the API server's in-cluster name, all on the loopback address. */
  private void writeHosts() throws IOException {
    List<String> names = new ArrayList<>(List.of("localhost", "kubernetes", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", InetAddress.getLocalHost().getHostName()));
    for (var svc : client.services().inNamespace(namespace).list().getItems()) {
      String n = svc.getMetadata().getName();
      names.addAll(List.of(n, n + "." + namespace, n + "." + namespace + ".svc",
          n + "." + namespace + ".svc.cluster.local"));
    }
    String text = "127.0.0.1 " + String.join(" ", names) + "\n";
    if (!Files.exists(hostsFile) || !Files.readString(hostsFile).equals(text)) {
      Path tmp = hostsFile.resolveSibling("hosts.tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, hostsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  @Override
  public void close() {
    closed = true;
    watch.close();
    loop.interrupt();
    for (Placed p : new ArrayList<>(placed.values())) {
      Process process = p.process[0];
      if (process != null) {
        process.destroyForcibly();
      }
    }
    for (ProcessHandle h : liveProcesses()) {
      h.destroyForcibly();
    }
  }
}
