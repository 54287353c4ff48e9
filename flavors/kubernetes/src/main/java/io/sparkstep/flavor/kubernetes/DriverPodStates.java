package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import java.util.List;
import java.util.Set;

/**
 * The driver pod's phase in the run-state contract, and why a pod ended or cannot start, in words.
 *
 * <pre>
 * pod phase        run state
 * Pending          SUBMITTED (waiting reasons such as ImagePullBackOff are reported, a bad image name FAILS)
 * Running          RUNNING
 * Succeeded        SUCCEEDED
 * Failed           FAILED, or CANCELLED when the entrypoint exited with its cancel code (4)
 * Unknown          UNKNOWN (the node stopped reporting)
 * (deleted)        CANCELLED when Sparkstep deleted it, else FAILED
 * </pre>
 */
public final class DriverPodStates {
  /** Waiting reasons that never resolve by themselves. */
  private static final Set<String> HOPELESS = Set.of("InvalidImageName", "ErrImageNeverPull");

  private DriverPodStates() {
  }

  public static RunState stateOf(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (phase == null) {
      return RunState.SUBMITTED;
    }
    switch (phase) {
      case "Running":
        return RunState.RUNNING;
      case "Succeeded":
        return RunState.SUCCEEDED;
      case "Failed":
        ContainerStateTerminated t = terminated(pod);
        return t != null && t.getExitCode() != null && t.getExitCode() == ExitCode.CANCELLED
            ? RunState.CANCELLED : RunState.FAILED;
      case "Unknown":
        return RunState.UNKNOWN;
      default:
        ContainerStateWaiting w = waiting(pod);
        return w != null && HOPELESS.contains(w.getReason()) ? RunState.FAILED : RunState.SUBMITTED;
    }
  }

  /** The driver container: Spark's default name, else the first container reported. */
  static ContainerStatus driverStatus(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses.stream().filter(s -> "spark-kubernetes-driver".equals(s.getName())).findFirst()
        .orElse(statuses.isEmpty() ? null : statuses.get(0));
  }

  static ContainerStateTerminated terminated(Pod pod) {
    ContainerStatus status = driverStatus(pod);
    return status == null || status.getState() == null ? null : status.getState().getTerminated();
  }

  static ContainerStateWaiting waiting(Pod pod) {
    ContainerStatus status = driverStatus(pod);
    return status == null || status.getState() == null ? null : status.getState().getWaiting();
  }

  static Integer exitCode(Pod pod) {
    ContainerStateTerminated t = terminated(pod);
    return t == null ? null : t.getExitCode();
  }

  /** Why the pod failed, with what to do about it where that is known. */
  static String failure(Pod pod) {
    StringBuilder why = new StringBuilder();
    String podReason = pod.getStatus() == null ? null : pod.getStatus().getReason();
    ContainerStateTerminated t = terminated(pod);
    ContainerStateWaiting w = waiting(pod);
    if ("DeadlineExceeded".equals(podReason)) {
      why.append("the driver pod ran longer than resources.maxRuntimeSeconds (DeadlineExceeded)");
    } else if ("Evicted".equals(podReason)) {
      why.append("the driver pod was evicted: ").append(pod.getStatus().getMessage());
    } else if (t != null) {
      why.append("driver container terminated: ").append(t.getReason() == null ? "Error" : t.getReason())
          .append(" (exit code ").append(t.getExitCode()).append(")");
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        why.append(": ").append(t.getMessage().strip());
      }
      if ("OOMKilled".equals(t.getReason())) {
        why.append("; the driver needs more memory: raise resources.memory (or spark.driver.memoryOverhead)");
      } else if (t.getExitCode() != null && t.getExitCode() == ExitCode.INVALID_INPUT) {
        why.append("; the step refused its input (see the log)");
      }
    } else if (w != null) {
      why.append("driver container cannot start: ").append(w.getReason());
      if (w.getMessage() != null) {
        why.append(": ").append(w.getMessage());
      }
    } else {
      why.append("the driver pod failed");
      if (podReason != null) {
        why.append(": ").append(podReason);
      }
    }
    return why.toString();
  }
}
