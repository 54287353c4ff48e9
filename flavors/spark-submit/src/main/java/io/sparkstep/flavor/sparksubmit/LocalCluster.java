package io.sparkstep.flavor.sparksubmit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.spi.util.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and N Workers, each a separate JVM started from a Spark home,
 * with their pids, URLs and logs under one state directory, so that a later process can stop exactly these
 * processes (and the executors and drivers the Workers started) and nothing else.
 */
public final class LocalCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String STATE_FILE = "cluster.json";

  private final Path stateDir;
  private final String masterUrl;
  private final String webUi;
  private final List<Long> pids;
  private final List<String> workerWebUis;

  private LocalCluster(Path stateDir, String masterUrl, String webUi, List<Long> pids, List<String> workerWebUis) {
    this.stateDir = stateDir;
    this.masterUrl = masterUrl;
    this.webUi = webUi;
    this.pids = pids;
    this.workerWebUis = workerWebUis;
  }

  public String masterUrl() {
    return masterUrl;
  }

  public String webUi() {
    return webUi;
  }

  public Path stateDir() {
    return stateDir;
  }

  /** Master first, then the workers in order. */
  public List<Long> pids() {
    return pids;
  }

  public List<String> workerWebUis() {
    return workerWebUis;
  }

  public Path workerDir(int index) {
    return stateDir.resolve("worker-" + index);
  }

  /** Settings of a spark-submit operator for this cluster. */
  public java.util.Map<String, String> operatorSettings(String deployMode) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("master", masterUrl);
    settings.put("deployMode", deployMode);
    settings.put("masterWebUi", webUi);
    return settings;
  }

  /**
   * Starts a Master and {@code workers} Workers and waits until every Worker has registered.
   *
   * @param daemonHeap heap of each Master/Worker JVM (they are small; executors get {@code memory})
   */
  public static LocalCluster start(SparkDistribution spark, Path stateDir, int workers, int cores, String memory,
      String daemonHeap, Duration timeout) throws IOException {
    Files.createDirectories(stateDir);
    if (Files.exists(stateDir.resolve(STATE_FILE))) {
      Optional<LocalCluster> running = load(stateDir);
      if (running.isPresent() && running.get().alive()) {
        throw new IllegalStateException("a cluster is already running from " + stateDir + " at "
            + running.get().masterUrl() + "; stop it first (sparkstep cluster stop)");
      }
    }
    List<Long> pids = new ArrayList<>();
    List<String> workerUis = new ArrayList<>();
    int masterPort = freePort();
    int masterUiPort = freePort();
    String masterUrl = "spark://127.0.0.1:" + masterPort;
    String webUi = "http://127.0.0.1:" + masterUiPort;
    try {
      Process master = startDaemon(spark, stateDir.resolve("master.log"), daemonHeap,
          List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
              Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort)));
      pids.add(master.pid());
      StandaloneMaster client = new StandaloneMaster(webUi);
      waitFor(timeout, () -> client.state() != null, "the master to answer at " + webUi, master, stateDir);
      for (int i = 0; i < workers; i++) {
        Path workDir = Files.createDirectories(stateDir.resolve("worker-" + i));
        int uiPort = freePort();
        Process worker = startDaemon(spark, stateDir.resolve("worker-" + i + ".log"), daemonHeap,
            List.of("org.apache.spark.deploy.worker.Worker", masterUrl, "--host", "127.0.0.1", "--cores",
                Integer.toString(cores), "--memory", memory, "--work-dir", workDir.toString(), "--webui-port",
                Integer.toString(uiPort)));
        pids.add(worker.pid());
        workerUis.add("http://127.0.0.1:" + uiPort);
      }
      int wanted = workers;
      waitFor(timeout, () -> client.aliveWorkers(client.state()).size() >= wanted,
          wanted + " workers to register with " + masterUrl, master, stateDir);
    } catch (IOException | RuntimeException e) {
      killAll(pids);
      throw e;
    }
    LocalCluster cluster = new LocalCluster(stateDir.toAbsolutePath(), masterUrl, webUi, pids, workerUis);
    cluster.save();
    return cluster;
  }

  /** The cluster recorded under {@code stateDir}, if any. */
  public static Optional<LocalCluster> load(Path stateDir) throws IOException {
    Path file = stateDir.resolve(STATE_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode node = JSON.readTree(file.toFile());
    List<Long> pids = new ArrayList<>();
    node.path("pids").forEach(p -> pids.add(p.asLong()));
    List<String> uis = new ArrayList<>();
    node.path("workerWebUis").forEach(p -> uis.add(p.asText()));
    return Optional.of(new LocalCluster(stateDir.toAbsolutePath(), node.path("masterUrl").asText(),
        node.path("webUi").asText(), pids, uis));
  }

  /** Whether the master process still runs. */
  public boolean alive() {
    return !pids.isEmpty() && ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Stops the workers (with the executors and drivers they started) and the master; forced after a grace period.
   *
   * @return how many processes were still running and were stopped
   */
  public int stop() throws IOException {
    int stopped = killAll(pids);
    Files.deleteIfExists(stateDir.resolve(STATE_FILE));
    return stopped;
  }

  /** Kills one worker and everything it started, at once (a machine failure, not a clean shutdown). */
  public void killWorker(int index) {
    ProcessHandle.of(pids.get(index + 1)).ifPresent(worker -> {
      List<ProcessHandle> family = new ArrayList<>(worker.descendants().toList());
      family.add(worker);
      family.forEach(ProcessHandle::destroyForcibly);
      family.forEach(p -> p.onExit().join());
    });
  }

  private void save() throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("masterUrl", masterUrl);
    node.put("webUi", webUi);
    pids.forEach(node.putArray("pids")::add);
    workerWebUis.forEach(node.putArray("workerWebUis")::add);
    JSON.writerWithDefaultPrettyPrinter().writeValue(stateDir.resolve(STATE_FILE).toFile(), node);
  }

  private static int killAll(List<Long> pids) {
    // Workers first (reverse order), each with its executors and drivers, then the master.
    List<ProcessHandle> all = new ArrayList<>();
    for (int i = pids.size() - 1; i >= 0; i--) {
      ProcessHandle.of(pids.get(i)).filter(ProcessHandle::isAlive).ifPresent(p -> {
        all.addAll(p.descendants().toList());
        all.add(p);
      });
    }
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception notYet) {
        p.destroyForcibly();
      }
    }
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("process " + p.pid() + " did not stop", e);
      }
    }
    return all.size();
  }

  private static Process startDaemon(SparkDistribution spark, Path log, String heap, List<String> mainAndArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaBinary());
    command.addAll(JavaCommand.sparkJvmFlags());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(spark.daemonClasspath());
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(spark.environment());
    // Daemons bind to 127.0.0.1 only, whatever this machine's hostname resolves to.
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  interface Check {
    boolean ok() throws IOException;
  }

  private static void waitFor(Duration timeout, Check check, String what, Process master, Path stateDir)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IOException("the master exited while waiting for " + what + "; see " + stateDir
            .resolve("master.log"));
      }
      try {
        if (check.ok()) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + what, e);
      }
    }
    throw new IOException("timed out after " + timeout.toSeconds() + "s waiting for " + what + "; see logs in "
        + stateDir);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
