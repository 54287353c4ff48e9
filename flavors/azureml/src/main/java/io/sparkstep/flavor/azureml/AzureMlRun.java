package io.sparkstep.flavor.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.api.RunState;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunRecordJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.RunContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Handle of an Azure ML command job: status from {@code GET .../jobs/{name}} (at most once per poll interval),
 * cancel by {@code POST .../cancel}. At the end the record the entrypoint wrote in the container (rows, Spark app id,
 * the step's error) is merged in. Azure ML keeps the container's output in the workspace's storage (studio URL in
 * the record); the run's local log gets each status change.
 */
final class AzureMlRun extends AbstractStepRun {
  private final AzureMlJobs jobs;
  private final String job;
  private final String runDir;
  private final long pollMillis;
  private long lastPoll;
  private String lastStatus;

  AzureMlRun(RunContext context, AzureMlJobs jobs, String job, String runDir, long pollMillis) {
    super(context, Duration.ofMillis(Math.max(200, Math.min(pollMillis, 2000))));
    this.jobs = jobs;
    this.job = job;
    this.runDir = runDir;
    this.pollMillis = pollMillis;
    log("azureml job " + job + " submitted; studio: " + context.record().logUri);
  }

  @Override
  protected synchronized void refresh() {
    if (isDone() || System.currentTimeMillis() - lastPoll < pollMillis) {
      return;
    }
    lastPoll = System.currentTimeMillis();
    String status;
    try {
      JsonNode job0 = jobs.get(job);
      status = job0.path("properties").path("status").asText(null);
    } catch (PlatformException e) {
      log("azureml: status unavailable: " + e.getMessage());
      moveTo(RunState.UNKNOWN);
      return;
    }
    if (status != null && !status.equals(lastStatus)) {
      log("azureml job " + job + " status " + status);
      lastStatus = status;
    }
    RunState state = AzureMlStates.of(status);
    if (state.isFinal()) {
      mergeContainerRecord(state);
    }
    moveTo(state);
  }

  @Override
  protected void requestCancel() {
    try {
      jobs.cancel(job);
      log("azureml job " + job + " cancel requested");
    } catch (PlatformException e) {
      log("azureml: cancel failed: " + e.getMessage());
    }
    synchronized (this) {
      lastPoll = 0;
    }
    refresh();
  }

  private void mergeContainerRecord(RunState state) {
    RunRecord container = readContainerRecord();
    RunRecord record = context.record();
    synchronized (record) {
      if (container != null) {
        record.outputs = container.outputs;
        record.models = container.models;
        record.metrics = container.metrics;
        record.sparkAppId = container.sparkAppId;
        record.attempts = container.attempts;
        record.accelerator = container.accelerator;
        if (container.error != null) {
          record.error = container.error;
        }
      }
      if (state == RunState.FAILED && record.error == null) {
        record.error = RunRecord.ErrorInfo.of("AzureMlJobFailed", "Azure ML reports job " + job
            + " Failed before the step wrote its record; see " + record.logUri);
      }
    }
  }

  private RunRecord readContainerRecord() {
    if (runDir == null) {
      return null;
    }
    Path path = new Path(runDir + "/record.json");
    try {
      FileSystem fs = path.getFileSystem(new Configuration());
      if (!fs.exists(path)) {
        return null;
      }
      try (InputStream in = fs.open(path)) {
        return RunRecordJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException e) {
      log("azureml: cannot read the step's record at " + path + ": " + e.getMessage());
      return null;
    }
  }

  private void log(String line) {
    try {
      Files.createDirectories(context.logFile().getParent());
      Files.writeString(context.logFile(), line + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // the log is a convenience; state and record are what count
    }
  }
}
