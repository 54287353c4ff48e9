package io.sparkstep.flavor.kubernetes;

import io.sparkstep.spi.EntrypointContract;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.RunLogAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver container's log, copied into the run's log through the SPI's {@link RunLogAppender} (the cursor is
 * persisted, so several processes copying at once copy each line once), and the entrypoint's record read back from
 * its last line.
 */
final class DriverPodLog {
  private static final Logger LOG = LoggerFactory.getLogger(DriverPodLog.class);
  private static final String DRIVER_CONTAINER = "spark-kubernetes-driver";

  private final RunContext context;
  private final Supplier<PodResource> pod;
  private final RunLogAppender log;

  DriverPodLog(RunContext context, Supplier<PodResource> pod) {
    this.context = context;
    this.pod = pod;
    this.log = RunLogAppender.of(context);
  }

  /** Copies the new lines. {@code podFinal}: the last line counts even without its newline. */
  void copy(Pod driver, boolean podFinal) {
    String container = driverContainer(driver);
    try {
      log.copy(RunLogAppender.wholeLog(() -> pod.get().inContainer(container).getLog(), podFinal));
    } catch (RunLogAppender.LogCopyException | KubernetesClientException e) {
      LOG.debug("cannot copy the driver log of run {}: {}", context.record().runId, e.toString());
    }
  }

  /**
   * The entrypoint's own record, from the last line of the driver's output (its record.json stays inside the pod):
   * outputs with their rows, the step's cause of failure. Null when the driver never got that far (killed, OOM).
   */
  RunRecord driverRecord() {
    Path logFile = context.logFile();
    if (!Files.exists(logFile)) {
      return null;
    }
    try (var lines = Files.lines(logFile)) {
      return lines.filter(l -> l.startsWith(EntrypointContract.RECORD_LINE_PREFIX)).reduce((a, b) -> b)
          .map(l -> RunRecordJson.read(l.substring(EntrypointContract.RECORD_LINE_PREFIX.length()))).orElse(null);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the driver's record from the log of {}: {}", context.record().runId, e.toString());
      return null;
    }
  }

  /** Whether the driver container has a log to read yet. */
  static boolean containerStarted(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Running".equals(phase) || "Succeeded".equals(phase)) {
      return true;
    }
    ContainerStatus status = DriverPodStates.driverStatus(pod);
    return status != null && status.getState() != null && (status.getState().getRunning() != null
        || status.getState().getTerminated() != null);
  }

  private static String driverContainer(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      return pod.getSpec().getContainers().stream().map(c -> c.getName())
          .filter(DRIVER_CONTAINER::equals).findFirst()
          .orElse(pod.getSpec().getContainers().isEmpty() ? DRIVER_CONTAINER
              : pod.getSpec().getContainers().get(0).getName());
    }
    return DRIVER_CONTAINER;
  }
}
