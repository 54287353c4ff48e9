package io.sparkstep.flavor.sagemaker;

import io.sparkstep.api.RunState;
import java.util.Set;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;

/**
 * The one table from SageMaker's TrainingJobStatus to Sparkstep's run states.
 *
 * <pre>
 *   InProgress + SecondaryStatus Starting, LaunchingMLInstances, PreparingTrainingStack, Downloading,
 *                DownloadingTrainingImage, Pending   -> SUBMITTED (no container runs yet)
 *   InProgress + any other SecondaryStatus (Training, Uploading, ...) -> RUNNING
 *   Stopping                -> RUNNING  (not final until Stopped: the container may still write)
 *   Completed               -> SUCCEEDED
 *   Failed                  -> FAILED   (FailureReason becomes the run's error)
 *   Stopped                 -> CANCELLED
 *   anything else / unknown -> UNKNOWN
 * </pre>
 */
final class TrainingJobStates {
  private TrainingJobStates() {
  }

  private static final Set<String> NOT_YET_RUNNING = Set.of("Starting", "LaunchingMLInstances",
      "PreparingTrainingStack", "Downloading", "DownloadingTrainingImage", "Pending");

  static RunState toRunState(TrainingJobStatus status, String secondaryStatus) {
    if (status == null) {
      return RunState.UNKNOWN;
    }
    return switch (status) {
      case IN_PROGRESS -> NOT_YET_RUNNING.contains(secondaryStatus) ? RunState.SUBMITTED : RunState.RUNNING;
      case STOPPING -> RunState.RUNNING;
      case COMPLETED -> RunState.SUCCEEDED;
      case FAILED -> RunState.FAILED;
      case STOPPED -> RunState.CANCELLED;
      default -> RunState.UNKNOWN;
    };
  }
}
