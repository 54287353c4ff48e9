package io.sparkstep.flavor.vertex;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.CustomJobName;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobState;
import io.sparkstep.api.RunState;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunRecordJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A run on Vertex AI: its state is the CustomJob's ({@link CustomJobStates}), its details (rows, Spark app, the
 * step's exception) come from the record the entrypoint wrote into the run directory under {@code stagingUri}.
 * Everything needed to find the job again is in {@code record.platform}, so any later CLI process can attach.
 */
final class VertexJobRun extends AbstractStepRun {
  private final VertexSettings settings;
  private final ObjectStore store;
  private JobServiceClient client;
  private JobState lastJobState;
  private ContainerLogTail logTail;
  private boolean logTailBroken;

  VertexJobRun(RunContext context, VertexSettings settings, ObjectStore store) {
    super(context, Duration.ofMillis(settings.pollMillis));
    this.settings = settings;
    this.store = store;
  }

  /** Puts the job's ids and log locations into the record's platform map. */
  static void describe(RunRecord record, VertexSettings settings, String jobName, String runDirUri) {
    CustomJobName name = CustomJobName.parse(jobName);
    record.platform.put("jobName", jobName);
    record.platform.put("jobId", name.getCustomJob());
    record.platform.put("project", name.getProject());
    record.platform.put("location", name.getLocation());
    record.platform.put("runDir", runDirUri);
    record.platform.put("loggingQuery", "resource.type=\"ml_job\" AND resource.labels.job_id=\""
        + name.getCustomJob() + "\"");
    record.platform.put("consoleUrl", "https://console.cloud.google.com/vertex-ai/locations/" + name.getLocation()
        + "/training/" + name.getCustomJob() + "/cpu?project=" + name.getProject());
  }

  private String jobName() {
    return context.record().platform.get("jobName");
  }

  private synchronized JobServiceClient client() {
    if (client == null) {
      client = JobServiceClients.create(settings);
    }
    return client;
  }

  @Override
  protected synchronized void refresh() {
    if (isDone() || jobName() == null) {
      return;
    }
    CustomJob job;
    try {
      job = client().getCustomJob(jobName());
    } catch (ApiException e) {
      note("cannot read the job state: " + VertexErrors.describe(e));
      return;
    }
    RunState next = CustomJobStates.toRunState(job.getState());
    if (next != RunState.SUBMITTED) {
      copyContainerLog();
    }
    if (job.getState() != lastJobState) {
      lastJobState = job.getState();
      note("job state " + job.getState());
    }
    if (next.isFinal()) {
      mergeDriverRecord();
      RunRecord record = context.record();
      synchronized (record) {
        if (next == RunState.FAILED && record.error == null) {
          String reason = job.hasError() ? job.getError().getMessage() : "the job ended " + job.getState();
          record.error = RunRecord.ErrorInfo.of("VertexJob" + job.getState(), reason + "; logs: "
              + record.platform.get("loggingQuery"));
        }
      }
      if (next == RunState.FAILED && record.error != null) {
        note("failed: " + record.error.message);
      }
    }
    moveTo(next);
  }

  @Override
  protected boolean moveTo(RunState next) {
    boolean changed = super.moveTo(next);
    if (next.isFinal()) {
      closeClient();
    }
    return changed;
  }

  @Override
  protected void requestCancel() {
    try {
      client().cancelCustomJob(jobName());
      context.record().platform.put("cancelRequestedAt", Instant.now().toString());
      saveRecord();
      note("cancel requested for " + jobName());
    } catch (ApiException e) {
      throw new IllegalStateException("Vertex AI refused to cancel " + jobName() + ": " + VertexErrors.describe(e), e);
    }
  }

  /** Appends the container's new Cloud Logging lines to the run's log; a logging failure never fails the run. */
  private void copyContainerLog() {
    if (!settings.streamLogs || logTailBroken) {
      return;
    }
    try {
      if (logTail == null) {
        logTail = new ContainerLogTail(settings, context.record().platform.get("project"),
            context.record().platform.get("loggingQuery"));
      }
      List<String> lines = logTail.poll();
      if (!lines.isEmpty()) {
        Files.write(context.logFile(), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (ApiException e) {
      logTailBroken = true;
      note("cannot read the container's log from Cloud Logging (" + VertexErrors.describe(e) + "); read it with: "
          + "gcloud logging read '" + context.record().platform.get("loggingQuery") + "'");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entrypoint's own record: outputs and rows, Spark app id, and the step's exception when it failed. */
  private void mergeDriverRecord() {
    String runDir = context.record().platform.get("runDir");
    if (runDir == null) {
      return;
    }
    Optional<String> json;
    try {
      json = store.read(runDir + "/record.json");
    } catch (RuntimeException e) {
      note("cannot read the step's record from " + runDir + ": " + e.getMessage());
      return;
    }
    if (json.isEmpty()) {
      return;
    }
    RunRecord driver = RunRecordJson.read(json.get());
    RunRecord record = context.record();
    synchronized (record) {
      record.outputs = driver.outputs;
      record.models = driver.models;
      record.metrics = driver.metrics;
      record.sparkAppId = driver.sparkAppId;
      record.sparkMaster = driver.sparkMaster;
      record.attempts = driver.attempts;
      record.accelerator = driver.accelerator;
      record.host = driver.host;
      if (driver.startedAt != null) {
        record.startedAt = driver.startedAt;
      }
      if (driver.error != null) {
        record.error = driver.error;
      }
    }
  }

  /** A line in the run's local log, which {@code logs --follow} streams. */
  void note(String line) {
    try {
      Files.writeString(context.logFile(), Instant.now() + " vertex: " + line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void closeClient() {
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
