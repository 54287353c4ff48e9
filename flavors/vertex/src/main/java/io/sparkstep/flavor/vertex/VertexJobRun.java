package io.sparkstep.flavor.vertex;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.protobuf.Timestamp;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.RemoteJobRun;
import io.sparkstep.spi.remote.RunLogAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A run on Vertex AI: its state is the CustomJob's ({@link CustomJobStates}), its container log comes from Cloud
 * Logging ({@link ContainerLogTail}), its details (rows, Spark app, the step's exception) from the record the
 * entrypoint wrote into the run directory under {@code stagingUri}. The loop is the SPI's {@link RemoteJobRun};
 * everything needed to find the job again is in {@code record.platform}, so any later CLI process can attach.
 */
final class VertexJobRun extends RemoteJobRun {
  private final VertexSettings settings;
  private final ObjectStore store;
  private JobServiceClient client;
  private ContainerLogTail logTail;

  VertexJobRun(RunContext context, VertexSettings settings, ObjectStore store) {
    super(context, Duration.ofMillis(settings.pollMillis));
    this.settings = settings;
    this.store = store;
  }

  /** Puts the job's ids and log locations into the record, as its {@link CustomJobHandle}. */
  static RunRecord described(RunRecord record, String jobName, String runDirUri) {
    return record.platformHandle(CustomJobHandle.created(jobName, runDirUri));
  }

  private String jobName() {
    return CustomJobHandle.of(context.record()).name();
  }

  private synchronized JobServiceClient client() {
    if (client == null) {
      client = JobServiceClients.create(settings);
    }
    return client;
  }

  @Override
  protected String platformName() {
    return "vertex";
  }

  @Override
  protected String describe(Exception e) {
    return e instanceof ApiException api ? VertexErrors.describe(api) : super.describe(e);
  }

  @Override
  protected JobStatus describeJob() {
    CustomJob job = client().getCustomJob(jobName());
    String reason = job.hasError() ? job.getError().getMessage() : null;
    if (reason != null) {
      reason += "; logs: gcloud logging read '" + CustomJobHandle.of(context.record()).loggingQuery() + "'";
    }
    return new JobStatus(CustomJobStates.toRunState(job.getState()), job.getState().name(),
        job.hasStartTime() ? instant(job.getStartTime()) : null, job.hasEndTime() ? instant(job.getEndTime()) : null,
        reason);
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  @Override
  protected synchronized RunLogAppender.LogSource containerLog() {
    if (!settings.streamLogs) {
      return null;
    }
    if (logTail == null) {
      CustomJobHandle job = CustomJobHandle.of(context.record());
      logTail = new ContainerLogTail(settings, job.project(), job.loggingQuery());
    }
    return logTail;
  }

  @Override
  protected Optional<String> readDriverRecord() {
    String runDir = CustomJobHandle.of(context.record()).runDir();
    return runDir == null ? Optional.empty() : store.read(runDir + "/record.json");
  }

  @Override
  protected void stopJob() {
    client().cancelCustomJob(jobName());
  }

  @Override
  protected synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (logTail != null) {
      logTail.close();
      logTail = null;
    }
  }
}
