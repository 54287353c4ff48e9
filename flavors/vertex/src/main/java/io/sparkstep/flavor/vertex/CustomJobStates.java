package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.JobState;
import io.sparkstep.api.RunState;
import java.util.EnumMap;
import java.util.Map;

/** The one table from Vertex AI CustomJob states to Sparkstep run states. */
final class CustomJobStates {
  private static final Map<JobState, RunState> TABLE = new EnumMap<>(JobState.class);

  static {
    TABLE.put(JobState.JOB_STATE_UNSPECIFIED, RunState.SUBMITTED);
    TABLE.put(JobState.JOB_STATE_QUEUED, RunState.SUBMITTED);
    TABLE.put(JobState.JOB_STATE_PENDING, RunState.SUBMITTED);
    TABLE.put(JobState.JOB_STATE_RUNNING, RunState.RUNNING);
    // A job being cancelled may still be writing; it is not final until Vertex says CANCELLED.
    TABLE.put(JobState.JOB_STATE_CANCELLING, RunState.RUNNING);
    TABLE.put(JobState.JOB_STATE_UPDATING, RunState.RUNNING);
    TABLE.put(JobState.JOB_STATE_PAUSED, RunState.RUNNING);
    TABLE.put(JobState.JOB_STATE_SUCCEEDED, RunState.SUCCEEDED);
    TABLE.put(JobState.JOB_STATE_PARTIALLY_SUCCEEDED, RunState.FAILED);
    TABLE.put(JobState.JOB_STATE_FAILED, RunState.FAILED);
    TABLE.put(JobState.JOB_STATE_EXPIRED, RunState.FAILED);
    TABLE.put(JobState.JOB_STATE_CANCELLED, RunState.CANCELLED);
  }

  private CustomJobStates() {
  }

  /** The run state for a job state; states added to the API later read as UNKNOWN rather than guessed. */
  static RunState toRunState(JobState state) {
    return TABLE.getOrDefault(state, RunState.UNKNOWN);
  }
}
