package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.sparkstep.api.RunState;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunRecordJson;
import io.sparkstep.runtime.StepEntrypoint;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.RunLogAppender;
import io.sparkstep.spi.remote.SpecStaging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 */
final class KubernetesRun extends AbstractStepRun {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRun.class);
  static final String NAMESPACE = "namespace";
  static final String DRIVER_POD = "driverPod";
  static final String CLEANED_UP_AT = "cleanedUpAt";
  private static final String CANCEL_REQUESTED_AT = "cancelRequestedAt";
  private static final String FAILED_UNSCHEDULABLE = "failedUnschedulable";

  private final KubernetesSettings settings;
  private final RunLogAppender log;
  private volatile KubernetesClient client;
  private volatile boolean cancelRequested;
  /** The run's pod no node takes, as last seen (executors included: Spark would wait for them for ever). */
  private volatile String unschedulable;

  private KubernetesRun(RunContext context, KubernetesSettings settings) {
    super(context, Duration.ofMillis(500));
    this.settings = settings;
    this.log = RunLogAppender.of(context);
  }

  /** A run whose driver pod was just created. */
  static KubernetesRun start(RunContext context, KubernetesSettings settings) {
    return new KubernetesRun(context, settings);
  }

  /** A run submitted earlier, perhaps by another process; a final one is cleaned up if that is now due. */
  static KubernetesRun attach(RunContext context, KubernetesSettings settings) {
    KubernetesRun run = new KubernetesRun(context, settings);
    if (context.record().state.isFinal()) {
      run.cleanUpIfDue();
      run.closeClient();
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
      // one question per observation: a retry loop here would keep runs status waiting on an unreachable server
      client = KubeAccess.clientWithoutRetries(settings);
    }
    return client;
  }

  private PodResource pod() {
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
      checkUnschedulable();
    } catch (KubernetesClientException e) {
      LOG.debug("cannot list the pods of run {}: {}", id(), e.toString());
    }
  }

  /** One observation of the driver pod (null: it is gone). */
  private void onPod(Pod pod) {
    RunRecord record = context.record();
    if (pod == null) {
      // Whoever gave up on an unschedulable pod (this handle or another process) recorded why before deleting.
      String unschedulableFailure = record.platform.getOrDefault(FAILED_UNSCHEDULABLE, context.store()
          .load(record.runId).map(stored -> stored.platform.get(FAILED_UNSCHEDULABLE)).orElse(null));
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
      record.sparkAppId = appId;
      saveRecord();
    }
    Integer exit = DriverPodStates.exitCode(pod);
    if (exit != null) {
      record.platform.put("exitCode", Integer.toString(exit));
    }
    RunState state = DriverPodStates.stateOf(pod);
    reportWaiting(pod);
    if (state.isFinal()) {
      finish(pod, state, state == RunState.FAILED ? DriverPodStates.failure(pod) : null);
      return;
    }
    if (containerStarted(pod)) {
      copyLog(pod, false);
    }
    if (state == RunState.RUNNING) {
      ContainerStatus driver = DriverPodStates.driverStatus(pod);
      if (record.startedAt == null && driver != null && driver.getState() != null
          && driver.getState().getRunning() != null) {
        record.startedAt = instant(driver.getState().getRunning().getStartedAt());
      }
      moveTo(RunState.RUNNING);
    } else if (state == RunState.UNKNOWN) {
      unreachable("the API server reports the driver pod " + podName() + " as Unknown (its node is not reporting)");
    }
  }

  /** Whether another process (a {@code runs cancel}) asked for the cancel: it records that before deleting. */
  private boolean cancelRequestedElsewhere() {
    return context.store().load(context.record().runId)
        .map(stored -> stored.platform.containsKey(CANCEL_REQUESTED_AT)).orElse(false);
  }

  /**
   * A driver or executor pod of the run that no node takes: its reason goes into the record ({@code waiting}, shown
   * by {@code runs status}); past {@code pendingTimeoutSeconds} the run FAILS with it and its pods are removed.
   */
  private void checkUnschedulable() {
    if (isDone()) {
      return;
    }
    var pods = client().pods().inNamespace(namespace()).withLabel(SubmissionPlan.RUN_LABEL,
        SubmissionPlan.labelValue(context.record().runId)).list().getItems();
    var stuck = PendingPods.longest(pods);
    String now = stuck.map(PendingPods.Unschedulable::describe).orElse(null);
    if (!java.util.Objects.equals(unschedulable, now)) {
      unschedulable = now;
      reportWaiting(pod().get());
    }
    var failure = stuck.flatMap(u -> u.failure(Instant.now(), settings.pendingTimeoutSeconds()));
    if (failure.isPresent()) {
      // Recorded before the delete, so whoever sees the driver pod gone knows why.
      context.record().platform.put(FAILED_UNSCHEDULABLE, failure.get());
      saveRecord();
      pod().delete();
    }
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
    String before = context.record().platform.get(RunRecord.WAITING);
    if (reason != null && !reason.equals(before)) {
      context.record().platform.put(RunRecord.WAITING, reason);
      saveRecord();
    } else if (reason == null && before != null) {
      context.record().platform.remove(RunRecord.WAITING);
      saveRecord();
    }
  }

  /**
   * The pod is final (or gone): save the rest of its log, merge the driver's record, then record the state (so
   * whoever follows the log has every line when the run ends), then clean up.
   */
  private void finish(Pod pod, RunState state, String error) {
    if (pod != null && containerStarted(pod)) {
      copyLog(pod, true);
    }
    RunRecord record = context.record();
    RunRecord driver = driverRecordFromLog();
    if (driver != null) {
      record.mergeDriverRecord(driver);
    }
    var terminated = pod == null ? null : DriverPodStates.terminated(pod);
    if (terminated != null) {
      if (record.startedAt == null) {
        record.startedAt = instant(terminated.getStartedAt());
      }
      record.endedAt = instant(terminated.getFinishedAt());
    }
    if (error != null) {
      record.platform.put("podFailure", error);
      if (record.error == null) {
        record.error = RunRecord.ErrorInfo.of("KubernetesPodFailure", error);
      }
    }
    moveTo(state);
    cleanUpIfDue();
    closeClient();
  }

  private static Instant instant(String rfc3339) {
    try {
      return rfc3339 == null ? null : Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return null;
    }
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
    context.record().platform.put(CANCEL_REQUESTED_AT, Instant.now().toString());
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

  /**
   * Copies the driver container's new log lines into the run's log (the cursor is persisted, so several processes
   * copying at once copy each line once). {@code podFinal}: the last line counts even without its newline.
   */
  private void copyLog(Pod pod, boolean podFinal) {
    String container = driverContainer(pod);
    try {
      log.copy(RunLogAppender.wholeLog(() -> pod().inContainer(container).getLog(), podFinal));
    } catch (RunLogAppender.LogCopyException | KubernetesClientException e) {
      LOG.debug("cannot copy the driver log of {}: {}", podName(), e.toString());
    }
  }

  private static String driverContainer(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
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

  /**
   * Removes what the run left in the cluster: the driver pod (and with it, through owner references, its config
   * maps, service and executors), any executor pod of the run still there, and its staged spec. A succeeded run is
   * kept for the TTL: the observer that finds the TTL passed removes it. ttlSecondsAfterFinished=-1 keeps everything
   * for debugging.
   */
  private void cleanUpIfDue() {
    RunRecord record = context.record();
    long ttl = settings.ttlSecondsAfterFinished();
    if (ttl < 0 || record.platform.containsKey(CLEANED_UP_AT) || podName() == null) {
      return;
    }
    Instant ended = record.endedAt == null ? Instant.now() : record.endedAt;
    if (record.state == RunState.SUCCEEDED && Instant.now().isBefore(ended.plusSeconds(ttl))) {
      return;
    }
    try {
      RunResources.delete(client(), namespace(), podName(), record.runId);
      deleteStagedSpec(record, settings);
      record.platform.put(CLEANED_UP_AT, Instant.now().toString());
      saveRecord();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot clean up run {} in {}: {}", id(), namespace(), e.getMessage());
    }
  }

  /**
   * Deletes the copy of a spec too large for the pod's arguments (staged under uploadPath at submission), now that
   * no driver will read it; kept like the pod, for {@code ttlSecondsAfterFinished}. A copy that cannot be deleted
   * stays with a warning naming it: the run's end does not depend on the staging store.
   */
  static void deleteStagedSpec(RunRecord record, KubernetesSettings settings) {
    String uri = record.platform.get(SpecStaging.RECORD_KEY);
    if (uri == null) {
      return;
    }
    try {
      SpecStaging.delete(uri, SpecStaging.hadoopConf(settings.conf()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot delete the staged spec {} of run {}: {}", uri, record.runId, e.toString());
    }
  }

  @Override
  protected void afterStoredFinal() {
    cleanUpIfDue();
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
