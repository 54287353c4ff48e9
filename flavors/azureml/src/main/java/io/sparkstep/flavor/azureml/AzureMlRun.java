package io.sparkstep.flavor.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.RemoteJobRun;
import io.sparkstep.spi.remote.RunLogAppender;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Handle of an Azure ML command job: status from {@code GET .../jobs/{name}} mapped by {@link AzureMlStates}, cancel
 * by {@code POST .../cancel}, and at the end the record the entrypoint wrote in the container (rows, Spark app id,
 * the step's error). The container's {@code user_logs/std_log.txt} is copied into the run's local log through the
 * SPI's appender (its line cursor persisted, scrubbed), next to each status change. The loop is the SPI's
 * {@link RemoteJobRun}.
 */
final class AzureMlRun extends RemoteJobRun {
  private final AzureMlJobs jobs;
  private final String job;
  private final String runDir;
  /** From the last answer about the job: where its run history is, and whether it has ended. */
  private volatile String runHistoryHost;
  private volatile boolean ended;

  AzureMlRun(RunContext context, AzureMlJobs jobs, String job, String runDir, long pollMillis) {
    super(context, Duration.ofMillis(pollMillis));
    this.jobs = jobs;
    this.job = job;
    this.runDir = runDir;
  }

  @Override
  protected String platformName() {
    return "azureml";
  }

  @Override
  protected JobStatus describeJob() throws Exception {
    JsonNode answer = jobs.get(job);
    String status = answer.path("properties").path("status").asText(null);
    RunState state = AzureMlStates.of(status);
    runHistoryHost = AzureMlJobs.runHistoryHost(answer);
    ended = state.isFinal();
    return new JobStatus(state, status, null, null,
        "Azure ML reports job " + job + " " + status + " before the step wrote its record");
  }

  /** The job's std_log.txt, read whole; once the job has ended its last line counts even without a newline. */
  @Override
  protected RunLogAppender.LogSource containerLog() {
    String host = runHistoryHost;
    return host == null ? null : RunLogAppender.wholeLog(() -> jobs.userLog(host, job), ended);
  }

  @Override
  protected Optional<String> readDriverRecord() throws IOException {
    if (runDir == null) {
      return Optional.empty();
    }
    Path path = new Path(runDir + "/record.json");
    FileSystem fs = path.getFileSystem(new Configuration());
    if (!fs.exists(path)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(path)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Override
  protected void stopJob() throws Exception {
    jobs.cancel(job);
  }
}
