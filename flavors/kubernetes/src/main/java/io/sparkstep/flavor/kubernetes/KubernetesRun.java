package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.sparkstep.api.RunState;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunRecordJson;
import io.sparkstep.runtime.StepEntrypoint;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle of one step run on Kubernetes: follows the driver pod (a watch, with a slow poll behind it), streams the
 * driver container's log into the run's log file as it is written, cancels by deleting the driver pod (Kubernetes
 * then removes what the pod owns: executors, config maps, service), and removes a finished run's pods after the
 * operator's TTL once the log is saved.
 *
 * <p>Any process can attach to a run by its record (namespace and driver pod name in {@code record.platform}); one
 * process per machine streams the log (a file lock on the run directory), the others read the file.
 */
final class KubernetesRun extends AbstractStepRun {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRun.class);
  static final String NAMESPACE = "namespace";
  static final String DRIVER_POD = "driverPod";
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final String FAILED_UNSCHEDULABLE = "failedUnschedulable";

  private final KubernetesSettings settings;
  private final AtomicBoolean following = new AtomicBoolean();
  private final AtomicBoolean finishing = new AtomicBoolean();
  private volatile KubernetesClient client;
  private volatile Watch watch;
  private volatile boolean cancelRequested;
  private volatile Thread logPump;
  /** The run's pod no node takes, as last seen (executors included: Spark would wait for them for ever). */
  private volatile String unschedulable;

  private KubernetesRun(RunContext context, KubernetesSettings settings) {
    super(context, Duration.ofMillis(500));
    this.settings = settings;
  }

  /** A run whose driver pod was just created: follow it from this process. */
  static KubernetesRun start(RunContext context, KubernetesSettings settings) {
    KubernetesRun run = new KubernetesRun(context, settings);
    run.follow();
    return run;
  }

  /** A run submitted earlier, perhaps by another process; it is followed again while not final. */
  static KubernetesRun attach(RunContext context, KubernetesSettings settings) {
    KubernetesRun run = new KubernetesRun(context, settings);
    if (!context.record().state.isFinal()) {
      run.follow();
    }
    return run;
  }

  private String namespace() {
    return context.record().platform.getOrDefault(NAMESPACE, settings.namespace());
  }

  private String podName() {
    return context.record().platform.get(DRIVER_POD);
  }

  private synchronized KubernetesClient client() {
    if (client == null) {
      client = KubeAccess.client(settings);
    }
    return client;
  }

  private PodResource pod() {
    return client().pods().inNamespace(namespace()).withName(podName());
  }

  /** Watch the pod, poll as a fallback (a watch can drop silently), and stream its log. */
  private void follow() {
    if (!following.compareAndSet(false, true)) {
      return;
    }
    try {
      watch = pod().watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, Pod pod) {
          onPod(action == Action.DELETED ? null : pod);
        }

        @Override
        public void onClose(WatcherException cause) {
          LOG.debug("watch of {} closed: {}", podName(), cause == null ? "normally" : cause.toString());
        }
      });
    } catch (KubernetesClientException e) {
      LOG.debug("cannot watch {}: {}; polling instead", podName(), e.toString());
    }
    Thread poller = new Thread(() -> {
      while (!isDone()) {
        refresh();
        sleep(POLL.toMillis());
      }
    }, "sparkstep-k8s-poll-" + id());
    poller.setDaemon(true);
    poller.start();
    logPump = new Thread(this::pumpLog, "sparkstep-k8s-log-" + id());
    logPump.setDaemon(true);
    logPump.start();
  }

  @Override
  protected void refresh() {
    if (isDone() || finishing.get()) {
      return;
    }
    try {
      onPod(pod().get());
      checkUnschedulable();
    } catch (KubernetesClientException e) {
      // The API server is unreachable or refuses us: the run's state is unknown, not failed.
      LOG.debug("cannot read pod {}: {}", podName(), e.toString());
      if (context.record().state == RunState.RUNNING || context.record().state == RunState.SUBMITTED) {
        context.record().platform.put("lastError", e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
  }

  /** One observation of the driver pod (null: it is gone). */
  private synchronized void onPod(Pod pod) {
    if (isDone() || finishing.get()) {
      return;
    }
    RunRecord record = context.record();
    if (pod == null) {
      // Whoever gave up on an unschedulable pod (this handle or another process) recorded why before deleting.
      String unschedulable = record.platform.getOrDefault(FAILED_UNSCHEDULABLE, context.store()
          .load(record.runId).map(stored -> stored.platform.get(FAILED_UNSCHEDULABLE)).orElse(null));
      if (unschedulable != null) {
        finish(RunState.FAILED, unschedulable);
      } else if (cancelRequested || cancelRequestedElsewhere()) {
        finish(RunState.CANCELLED, null);
      } else {
        finish(RunState.FAILED, "the driver pod " + podName() + " was deleted outside Sparkstep");
      }
      return;
    }
    String appId = pod.getMetadata().getLabels() == null ? null
        : pod.getMetadata().getLabels().get("spark-app-selector");
    if (appId != null && !appId.equals(record.sparkAppId)) {
      record.sparkAppId = appId;
      saveRecord();
    }
    RunState state = DriverPodStates.stateOf(pod);
    reportWaiting(pod);
    switch (state) {
      case RUNNING:
        moveTo(RunState.RUNNING);
        break;
      case SUCCEEDED:
        finish(RunState.SUCCEEDED, null);
        break;
      case CANCELLED:
        finish(RunState.CANCELLED, null);
        break;
      case FAILED:
        finish(RunState.FAILED, DriverPodStates.failure(pod));
        break;
      case UNKNOWN:
        moveTo(RunState.UNKNOWN);
        break;
      default:
        break;
    }
    Integer exit = DriverPodStates.exitCode(pod);
    if (exit != null) {
      record.platform.put("exitCode", Integer.toString(exit));
    }
  }

  /**
   * A driver or executor pod of the run that no node takes: its reason goes into the record ({@code waiting}, shown
   * by {@code runs status}); past {@code pendingTimeoutSeconds} the run FAILS with it and its pods are removed.
   */
  private void checkUnschedulable() {
    if (isDone() || finishing.get()) {
      return;
    }
    var pods = client().pods().inNamespace(namespace()).withLabel(SubmissionPlan.RUN_LABEL,
        SubmissionPlan.labelValue(context.record().runId)).list().getItems();
    var stuck = PendingPods.longest(pods);
    String now = stuck.map(PendingPods.Unschedulable::describe).orElse(null);
    if (!java.util.Objects.equals(unschedulable, now)) {
      unschedulable = now;
      Pod driver = pod().get();
      synchronized (this) {
        reportWaiting(driver);
      }
    }
    var failure = stuck.flatMap(u -> u.failure(Instant.now(), settings.pendingTimeoutSeconds()));
    if (failure.isPresent()) {
      // Recorded before the delete, so whoever sees the driver pod gone knows why.
      context.record().platform.put(FAILED_UNSCHEDULABLE, failure.get());
      saveRecord();
      pod().delete();
    }
  }

  /** Whether another process (a {@code runs cancel}) asked for the cancel: it records that before deleting. */
  private boolean cancelRequestedElsewhere() {
    return context.store().load(context.record().runId)
        .map(stored -> stored.platform.containsKey("cancelRequestedAt")).orElse(false);
  }

  /** A pod stuck Pending says why in the record (image pull errors, missing Secrets, no node with a GPU). */
  private void reportWaiting(Pod pod) {
    if (pod == null) {
      return;
    }
    var waiting = DriverPodStates.waiting(pod);
    String reason = waiting == null ? null : waiting.getReason() + (waiting.getMessage() == null ? ""
        : ": " + waiting.getMessage());
    if (reason == null && pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      reason = pod.getStatus().getConditions().stream()
          .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
          .map(c -> c.getReason() + ": " + c.getMessage()).findFirst().orElse(null);
    }
    if (reason == null) {
      reason = unschedulable;
    }
    String before = context.record().platform.get("waiting");
    if (reason != null && !reason.equals(before)) {
      context.record().platform.put("waiting", reason);
      saveRecord();
    } else if (reason == null && before != null) {
      context.record().platform.remove("waiting");
      saveRecord();
    }
  }

  /**
   * The pod is final: save the rest of its log, then record the state (so whoever follows the log has every line
   * when the run ends), then clean up after the TTL.
   */
  private void finish(RunState state, String error) {
    if (!finishing.compareAndSet(false, true)) {
      return;
    }
    Thread finisher = new Thread(() -> {
      Thread pump = logPump;
      if (pump != null) {
        try {
          pump.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      drainLog();
      RunRecord record = context.record();
      RunRecord driver = driverRecordFromLog();
      if (driver != null) {
        record.mergeDriverRecord(driver);
      }
      if (error != null) {
        record.platform.put("podFailure", error);
        if (record.error == null) {
          record.error = RunRecord.ErrorInfo.of("KubernetesPodFailure", error);
        }
      }
      moveTo(state);
      closeWatch();
      cleanUp(state);
      closeClient();
    }, "sparkstep-k8s-finish-" + id());
    finisher.setDaemon(true);
    finisher.start();
  }

  /**
   * The entrypoint's own record, from the last line of the driver's output (its record.json stays inside the pod):
   * outputs with their rows, the step's cause of failure. Null when the driver never got that far (killed, OOM).
   */
  private RunRecord driverRecordFromLog() {
    Path logFile = context.logFile();
    if (!Files.exists(logFile)) {
      return null;
    }
    try (var lines = Files.lines(logFile)) {
      return lines.filter(l -> l.startsWith(StepEntrypoint.RECORD_LINE_PREFIX)).reduce((a, b) -> b)
          .map(l -> RunRecordJson.read(l.substring(StepEntrypoint.RECORD_LINE_PREFIX.length()))).orElse(null);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the driver's record from the log of {}: {}", id(), e.toString());
      return null;
    }
  }

  @Override
  protected void requestCancel() {
    cancelRequested = true;
    context.record().platform.put("cancelRequestedAt", Instant.now().toString());
    saveRecord();
    try {
      // The entrypoint receives SIGTERM, aborts its staged outputs and exits; the pod's grace period allows it.
      pod().delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw new IllegalStateException("cannot delete driver pod " + podName() + " in " + namespace() + ": "
            + e.getMessage(), e);
      }
    }
    if (!following.get()) {
      follow();
    }
  }

  /** Streams the driver container's log into the run's log file; reconnects until the pod is final. */
  private void pumpLog() {
    Path logFile = context.logFile();
    try {
      Files.createDirectories(logFile.getParent());
      try (LogLock lock = LogLock.tryAcquire(lockFile())) {
        if (lock == null) {
          return; // another handle streams this run's log; this one reads the file
        }
        while (true) {
          Pod pod = safeGet();
          boolean podFinal = pod == null || isFinal(pod);
          if (pod != null && containerStarted(pod)) {
            copyLog(logFile, !podFinal);
          }
          if (podFinal || isDone()) {
            return;
          }
          sleep(1000);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot stream the driver log of {}: {}", podName(), e.toString());
    }
  }

  /**
   * Before a run is declared final: waits for whoever streams the log to finish, then saves what is still missing,
   * so that a follower of the log has every line once the state is final.
   */
  private void drainLog() {
    try (LogLock lock = LogLock.acquire(lockFile(), Duration.ofSeconds(30))) {
      if (lock == null) {
        return;
      }
      Pod pod = safeGet();
      if (pod != null && containerStarted(pod)) {
        copyLog(context.logFile(), false);
      }
    } catch (IOException e) {
      LOG.warn("cannot save the driver log of {}: {}", podName(), e.toString());
    }
  }

  private Path lockFile() {
    return context.runDir().resolve(".driver-log.lock");
  }

  /**
   * One log connection. The log file holds only the driver's output, so its size is how much of the log is saved:
   * a new connection skips that many bytes.
   */
  private void copyLog(Path logFile, boolean follow) {
    long saved;
    try {
      saved = Files.exists(logFile) ? Files.size(logFile) : 0;
    } catch (IOException e) {
      return;
    }
    try (OutputStream out = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      var container = pod().inContainer(driverContainer());
      if (follow) {
        try (LogWatch watch = container.withReadyWaitTimeout(0).watchLog();
             InputStream in = watch.getOutput()) {
          copySkipping(in, out, saved);
        }
      } else {
        try (InputStream in = container.getLogInputStream()) {
          copySkipping(in, out, saved);
        }
      }
    } catch (IOException | KubernetesClientException e) {
      LOG.debug("log stream of {} ended: {}", podName(), e.toString());
    }
  }

  private static void copySkipping(InputStream in, OutputStream out, long skip) throws IOException {
    byte[] buffer = new byte[8192];
    long toSkip = skip;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      int from = 0;
      if (toSkip > 0) {
        int skipped = (int) Math.min(toSkip, n);
        toSkip -= skipped;
        from = skipped;
      }
      if (n > from) {
        out.write(buffer, from, n - from);
        out.flush();
      }
    }
  }

  private String driverContainer() {
    Pod pod = safeGet();
    if (pod != null && pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      return pod.getSpec().getContainers().stream().map(c -> c.getName())
          .filter("spark-kubernetes-driver"::equals).findFirst()
          .orElse(pod.getSpec().getContainers().isEmpty() ? "spark-kubernetes-driver"
              : pod.getSpec().getContainers().get(0).getName());
    }
    return "spark-kubernetes-driver";
  }

  private static boolean containerStarted(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Running".equals(phase) || "Succeeded".equals(phase)) {
      return true;
    }
    ContainerStatus status = DriverPodStates.driverStatus(pod);
    return status != null && status.getState() != null && (status.getState().getRunning() != null
        || status.getState().getTerminated() != null);
  }

  private static boolean isFinal(Pod pod) {
    RunState state = DriverPodStates.stateOf(pod);
    return state.isFinal();
  }

  private Pod safeGet() {
    try {
      return pod().get();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  /**
   * Removes what the run left in the cluster once its log is saved: the driver pod (and with it, through owner
   * references, its config maps, service and executors), and any executor pod of the run still there. A
   * succeeded run is kept for the TTL first; ttlSecondsAfterFinished=-1 keeps everything for debugging.
   */
  private void cleanUp(RunState state) {
    long ttl = settings.ttlSecondsAfterFinished();
    if (ttl < 0) {
      return;
    }
    if (state == RunState.SUCCEEDED && ttl > 0) {
      sleep(ttl * 1000);
    }
    try {
      RunResources.delete(client(), namespace(), podName(), context.record().runId);
      context.record().platform.put("cleanedUpAt", Instant.now().toString());
      saveRecord();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot clean up run {} in {}: {}", id(), namespace(), e.getMessage());
    }
  }

  /** The client's HTTP threads go with the run; a later call on this handle opens a new client. */
  private synchronized void closeClient() {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  private void closeWatch() {
    Watch w = watch;
    if (w != null) {
      w.close();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
