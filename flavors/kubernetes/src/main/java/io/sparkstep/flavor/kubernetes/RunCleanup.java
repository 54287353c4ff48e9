package io.sparkstep.flavor.kubernetes;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.remote.SparkHadoopConf;
import io.sparkstep.spi.remote.SpecStaging;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a final run left in the cluster: the driver pod (and with it, through owner references, its config
 * maps, service and executors), any executor pod of the run still there, and its staged spec. A succeeded run is
 * kept for the TTL: the observer that finds the TTL passed removes it. ttlSecondsAfterFinished=-1 keeps everything
 * for debugging.
 */
final class RunCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(RunCleanup.class);
  private final KubernetesRun run;
  private final KubernetesSettings settings;

  RunCleanup(KubernetesRun run, KubernetesSettings settings) {
    this.run = run;
    this.settings = settings;
  }

  void cleanUpIfDue() {
    RunRecord record = run.context().record();
    long ttl = settings.ttlSecondsAfterFinished();
    if (ttl < 0 || DriverPodOutcome.of(record).cleanedUpAt() != null || run.podName() == null) {
      return;
    }
    Instant ended = record.endedAt == null ? Instant.now() : record.endedAt;
    if (record.state == RunState.SUCCEEDED && Instant.now().isBefore(ended.plusSeconds(ttl))) {
      return;
    }
    try {
      RunResources.delete(run.client(), run.namespace(), run.podName(), record.runId);
      deleteStagedSpec(record, settings);
      // recorded so that no later observer removes them again
      run.context().updateAndSave(current ->
          current.platformHandle(DriverPodOutcome.of(current).cleanedUp(Instant.now())));
    } catch (KubernetesClientException e) {
      LOG.warn("cannot clean up run {} in {}: {}", record.runId, run.namespace(), e.getMessage());
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
      SpecStaging.delete(uri, SparkHadoopConf.of(settings.conf()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot delete the staged spec {} of run {}: {}", uri, record.runId, e.toString());
    }
  }
}
