package io.sparkstep.flavor.kubernetes;

import io.sparkstep.flavor.kubernetes.settings.KubeAccess;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.EndOfRun;
import io.sparkstep.spi.remote.RemoteJobRun;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle of one step run on Kubernetes. It keeps no thread: each question to the handle (state, record, await,
 * a log follower) that finds the run not final reads the driver pod once (rate-limited by the base class), copies
 * the driver's new log lines into the run's log, and records what the pod says. Whoever observes the pod's end
 * (any process: the submitter, {@code runs status}, {@code runs list}) saves the rest of the log, merges the
 * driver's record, stores the final state and removes what the run left in the cluster, at once or, for a succeeded
 * run kept for {@code ttlSecondsAfterFinished}, when a later observer finds the TTL passed.
 *
 * <p>Cancel deletes the driver pod (Kubernetes then removes what the pod owns: executors, config maps, service).
 *
 * <p>This class follows the driver pod; the rest is one concern each: {@link DriverPodLog} (the log copy and the
 * driver's record in it), {@link PendingPodWatch} (pods no node takes) and {@link RunCleanup} (what a final run left).
 */
final class KubernetesRun extends AbstractStepRun {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRun.class);
  /** podFailure is the key kubernetes records have always kept the pod's failure under. */
  private static final EndOfRun.FailureNames FAILURE_NAMES =
      new EndOfRun.FailureNames("podFailure", "KubernetesPodFailure", "kubernetes");

  private final KubernetesSettings settings;
  private final DriverPodLog log;
  private final PendingPodWatch pending;
  private final RunCleanup cleanup;
  private volatile KubernetesClient client;
  private volatile boolean cancelRequested;

  private KubernetesRun(RunContext context, KubernetesSettings settings) {
    super(context, Duration.ofMillis(500));
    this.settings = settings;
    this.log = new DriverPodLog(context, this::pod);
    this.pending = new PendingPodWatch(this, settings);
    this.cleanup = new RunCleanup(this, settings);
  }

  /** A run whose driver pod was just created. */
  static KubernetesRun start(RunContext context, KubernetesSettings settings) {
    return new KubernetesRun(context, settings);
  }

  /** A run submitted earlier, perhaps by another process; a final one is cleaned up if that is now due. */
  static KubernetesRun attach(RunContext context, KubernetesSettings settings) {
    KubernetesRun run = new KubernetesRun(context, settings);
    if (context.record().state.isFinal()) {
      run.cleanup.cleanUpIfDue();
      run.closeClient();
    }
    return run;
  }

  RunContext context() {
    return context;
  }

  void save() {
    saveRecord();
  }

  String namespace() {
    return DriverPod.of(context.record(), settings.namespace()).namespace();
  }

  String podName() {
    return DriverPod.of(context.record(), settings.namespace()).name();
  }

  synchronized KubernetesClient client() {
    if (client == null) {
      // one question per observation: a retry loop here would keep runs status waiting on an unreachable server
      client = KubeAccess.clientWithoutRetries(settings);
    }
    return client;
  }

  PodResource pod() {
    return client().pods().inNamespace(namespace()).withName(podName());
  }

  @Override
  protected synchronized void refresh() {
    if (isDone()) {
      return;
    }
    Pod pod;
    try {
      pod = pod().get();
    } catch (KubernetesClientException e) {
      // The API server is unreachable or refuses us: the run's state is unknown, not failed.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      unreachable("cannot read driver pod " + podName() + " in " + namespace() + " from " + client().getMasterUrl()
          + ": " + root);
      return;
    }
    onPod(pod);
    try {
      pending.check();
    } catch (KubernetesClientException e) {
      LOG.debug("cannot list the pods of run {}: {}", id(), e.toString());
    }
  }

  /** One observation of the driver pod (null: it is gone). */
  private void onPod(Pod pod) {
    RunRecord record = context.record();
    if (pod == null) {
      // Whoever gave up on an unschedulable pod (this handle or another process) recorded why before deleting.
      String unschedulableFailure = Optional.ofNullable(DriverPodOutcome.of(record).failedUnschedulable())
          .or(() -> context.store().load(record.runId).map(stored -> DriverPodOutcome.of(stored).failedUnschedulable()))
          .orElse(null);
      if (unschedulableFailure != null) {
        finish(null, RunState.FAILED, unschedulableFailure);
      } else if (cancelRequested || cancelRequestedElsewhere()) {
        finish(null, RunState.CANCELLED, null);
      } else {
        finish(null, RunState.FAILED, "the driver pod " + podName() + " was deleted outside Sparkstep");
      }
      return;
    }
    String appId = pod.getMetadata().getLabels() == null ? null
        : pod.getMetadata().getLabels().get("spark-app-selector");
    if (appId != null && !appId.equals(record.sparkAppId)) {
      context.update(current -> current.sparkApp(appId));
      saveRecord();
    }
    Integer exit = DriverPodStates.exitCode(pod);
    if (exit != null) {
      context.update(current -> current.platformHandle(DriverPodOutcome.of(current).exited(exit)));
    }
    RunState state = DriverPodStates.stateOf(pod);
    pending.report(pod);
    if (state.isFinal()) {
      finish(pod, state, state == RunState.FAILED ? DriverPodStates.failure(pod) : null);
      return;
    }
    if (DriverPodLog.containerStarted(pod)) {
      log.copy(pod, false);
    }
    if (state == RunState.RUNNING) {
      ContainerStatus driver = DriverPodStates.driverStatus(pod);
      if (record.startedAt == null && driver != null && driver.getState() != null
          && driver.getState().getRunning() != null) {
        Instant started = instant(driver.getState().getRunning().getStartedAt());
        context.update(current -> current.startedAt == null ? current.startedAt(started) : current);
      }
      moveTo(RunState.RUNNING);
    } else if (state == RunState.UNKNOWN) {
      unreachable("the API server reports the driver pod " + podName() + " as Unknown (its node is not reporting)");
    }
  }

  /** Whether another process (a {@code runs cancel}) asked for the cancel: it records that before deleting. */
  private boolean cancelRequestedElsewhere() {
    return context.store().load(context.record().runId)
        .map(stored -> DriverPodOutcome.of(stored).cancelRequestedAt() != null).orElse(false);
  }

  /**
   * The pod is final (or gone): the end of the run through the SPI's {@link EndOfRun}, as every job flavor's: the rest
   * of the pod's log, the driver's record, the container's times and the failure (kept as {@code podFailure}), the
   * final state, then the cleanup of what the run left in the cluster.
   */
  private void finish(Pod pod, RunState state, String error) {
    var terminated = pod == null ? null : DriverPodStates.terminated(pod);
    var observed = new RemoteJobRun.JobStatus(state, pod == null ? "deleted" : pod.getStatus() == null ? null : pod.getStatus().getPhase(),
        terminated == null ? null : instant(terminated.getStartedAt()),
        terminated == null ? null : instant(terminated.getFinishedAt()), error);
    EndOfRun.observe(context, observed, FAILURE_NAMES, new EndOfRun.Platform() {
      @Override
      public void copyRestOfLog() {
        if (pod != null && DriverPodLog.containerStarted(pod)) {
          log.copy(pod, true);
        }
      }

      @Override
      public Optional<RunRecord> driverRecord() {
        return Optional.ofNullable(log.driverRecord());
      }

      @Override
      public void release() {
        cleanup.cleanUpIfDue();
        closeClient();
      }
    }, this::moveTo);
  }

  private static Instant instant(String rfc3339) {
    try {
      return rfc3339 == null ? null : Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  protected void requestCancel() {
    cancelRequested = true;
    context.update(record -> record.platformHandle(DriverPodOutcome.of(record).cancelRequested(Instant.now())));
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
  }

  @Override
  protected void afterStoredFinal() {
    cleanup.cleanUpIfDue();
    closeClient();
  }

  /** The client's HTTP threads go with the observation; a later call on this handle opens a new client. */
  private synchronized void closeClient() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
