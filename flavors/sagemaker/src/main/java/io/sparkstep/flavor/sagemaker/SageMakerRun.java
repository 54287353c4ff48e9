package io.sparkstep.flavor.sagemaker;

import io.sparkstep.api.RunState;
import io.sparkstep.record.RunRecord;
import io.sparkstep.record.RunRecordJson;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;
import io.sparkstep.util.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;

/**
 * The handle of one training job: polls DescribeTrainingJob (at most once per poll interval, however many readers
 * ask), copies new CloudWatch log events into the run's log file before reporting a state, and stops the job on
 * cancel. When the job ends it takes rows and the step's error from the record the entrypoint wrote remotely.
 */
final class SageMakerRun extends AbstractStepRun {
  private static final Logger LOG = LoggerFactory.getLogger(SageMakerRun.class);
  private static final String LOG_TOKEN_PREFIX = "logToken:";

  private final AwsClients clients;
  private final SpecStore store;
  private final long pollNanos;
  private long lastPoll;
  private boolean polledOnce;

  SageMakerRun(RunContext context, AwsClients clients, SpecStore store, Duration pollInterval) {
    super(context, pollInterval);
    this.clients = clients;
    this.store = store;
    this.pollNanos = pollInterval.toNanos();
  }

  private String jobName() {
    return context.record().platform.get(SageMakerOperator.JOB_NAME);
  }

  @Override
  protected synchronized void refresh() {
    if (isDone() || (polledOnce && System.nanoTime() - lastPoll < pollNanos)) {
      return;
    }
    polledOnce = true;
    lastPoll = System.nanoTime();
    DescribeTrainingJobResponse job;
    try {
      job = clients.sageMaker().describeTrainingJob(b -> b.trainingJobName(jobName()));
    } catch (SdkException e) {
      LOG.warn("DescribeTrainingJob {} failed: {}", jobName(), e.getMessage());
      if (context.record().state != RunState.UNKNOWN && context.record().state != RunState.SUBMITTED) {
        moveTo(RunState.UNKNOWN);
      }
      return;
    }
    RunState next = TrainingJobStates.toRunState(job.trainingJobStatus(), job.secondaryStatusAsString());
    if (next != RunState.SUBMITTED) {
      copyNewLogEvents();
    }
    if (next.isFinal()) {
      mergeRemoteRecord();
      if (next == RunState.FAILED) {
        RunRecord record = context.record();
        String reason = job.failureReason() == null ? "training job failed" : job.failureReason();
        if (record.error == null) {
          record.error = RunRecord.ErrorInfo.of("SageMakerFailure", reason);
        } else if (!reason.equals(record.error.message)) {
          record.error.rootCause = record.error.rootCause == null ? "SageMaker: " + reason : record.error.rootCause;
        }
      }
    }
    if (next != context.record().state) {
      moveTo(next);
    }
  }

  @Override
  protected void requestCancel() {
    try {
      clients.sageMaker().stopTrainingJob(b -> b.trainingJobName(jobName()));
    } catch (SdkException e) {
      throw new IllegalStateException(AwsErrors.toPlatformException("StopTrainingJob " + jobName(), e).getMessage(), e);
    }
    synchronized (this) {
      polledOnce = false;
    }
    refresh();
  }

  /** Appends the job's new log events (all of algo-1's streams) to the local log file, scrubbing secrets. */
  private void copyNewLogEvents() {
    RunRecord record = context.record();
    String group = record.platform.get(SageMakerOperator.LOG_GROUP);
    String prefix = record.platform.get(SageMakerOperator.LOG_STREAM_PREFIX);
    if (group == null || prefix == null) {
      return;
    }
    try {
      List<LogStream> streams = clients.logs()
          .describeLogStreams(b -> b.logGroupName(group).logStreamNamePrefix(jobName() + "/")).logStreams();
      List<String> secrets = context.operator().secretValues();
      for (LogStream stream : streams) {
        String tokenKey = LOG_TOKEN_PREFIX + stream.logStreamName();
        while (true) {
          String token = record.platform.get(tokenKey);
          GetLogEventsResponse page = clients.logs().getLogEvents(b -> b.logGroupName(group)
              .logStreamName(stream.logStreamName()).startFromHead(true).nextToken(token));
          StringBuilder text = new StringBuilder();
          for (OutputLogEvent event : page.events()) {
            text.append(Redactor.scrub(event.message(), secrets)).append('\n');
          }
          if (text.length() > 0) {
            Files.writeString(context.logFile(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
          }
          record.platform.put(tokenKey, page.nextForwardToken());
          if (page.events().isEmpty() || page.nextForwardToken() == null || page.nextForwardToken().equals(token)) {
            break;
          }
        }
      }
      saveRecord();
    } catch (ResourceNotFoundException notYet) {
      // the log group or stream appears only once the container has written its first line
    } catch (SdkException e) {
      LOG.debug("reading CloudWatch logs of {} failed: {}", jobName(), e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows per output, the Spark app id and the step's own error, from the record.json the entrypoint wrote. */
  private void mergeRemoteRecord() {
    String runDir = context.record().platform.get(SageMakerOperator.RUN_DIR);
    if (runDir == null) {
      return;
    }
    try {
      Optional<String> json = store.read(runDir + "/record.json");
      if (json.isEmpty()) {
        return;
      }
      RunRecord remote = RunRecordJson.read(json.get());
      RunRecord record = context.record();
      if (remote.outputs != null && !remote.outputs.isEmpty()) {
        record.outputs = remote.outputs;
      }
      record.models = remote.models;
      record.metrics = remote.metrics;
      record.sparkAppId = remote.sparkAppId;
      record.accelerator = remote.accelerator;
      if (remote.error != null) {
        record.error = remote.error;
      }
    } catch (RuntimeException e) {
      LOG.warn("could not read the remote run record of {}: {}", jobName(), e.getMessage());
    }
  }
}
