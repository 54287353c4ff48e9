package io.sparkstep.flavor.sagemaker;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.remote.RemoteJobRun;
import io.sparkstep.spi.remote.RunLogAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;

/**
 * The handle of one training job: DescribeTrainingJob mapped by {@link TrainingJobStates}, the job's CloudWatch log
 * streams as the container log (one forward token per stream as the cursor), the entrypoint's record from the run
 * directory in S3, StopTrainingJob to cancel. The loop is the SPI's {@link RemoteJobRun}.
 */
final class SageMakerRun extends RemoteJobRun {
  private static final String TOKEN_PREFIX = "token:";

  private final AwsClients clients;
  private final SpecStore store;

  SageMakerRun(RunContext context, AwsClients clients, SpecStore store, Duration pollInterval) {
    super(context, pollInterval);
    this.clients = clients;
    this.store = store;
  }

  private String jobName() {
    return TrainingJob.of(context.record()).name();
  }

  @Override
  protected String platformName() {
    return "sagemaker";
  }

  @Override
  protected String describe(Exception e) {
    return AwsErrors.toPlatformException("DescribeTrainingJob " + jobName(), e).getMessage();
  }

  @Override
  protected JobStatus describeJob() {
    DescribeTrainingJobResponse job = clients.sageMaker().describeTrainingJob(b -> b.trainingJobName(jobName()));
    RunState state = TrainingJobStates.toRunState(job.trainingJobStatus(), job.secondaryStatusAsString());
    return new JobStatus(state, job.trainingJobStatusAsString() + "/" + job.secondaryStatusAsString(),
        job.trainingStartTime(), job.trainingEndTime(), job.failureReason());
  }

  @Override
  protected Optional<String> readDriverRecord() {
    String runDir = TrainingJob.of(context.record()).runDir();
    return runDir == null ? Optional.empty() : store.read(runDir + "/record.json");
  }

  @Override
  protected void stopJob() {
    clients.sageMaker().stopTrainingJob(b -> b.trainingJobName(jobName()));
  }

  /** All of the job's streams (algo-1's), each read from its persisted forward token. */
  @Override
  protected RunLogAppender.LogSource containerLog() {
    String group = TrainingJob.of(context.record()).logGroup();
    if (group == null) {
      return null;
    }
    return cursor -> {
      Map<String, String> next = new LinkedHashMap<>(cursor);
      List<String> lines = new ArrayList<>();
      List<LogStream> streams;
      try {
        streams = clients.logs().describeLogStreams(b -> b.logGroupName(group)
            .logStreamNamePrefix(jobName() + "/")).logStreams();
      } catch (ResourceNotFoundException notYet) {
        // the log group or stream appears only once the container has written its first line
        return RunLogAppender.Page.of(List.of(), cursor);
      }
      for (LogStream stream : streams) {
        String key = TOKEN_PREFIX + stream.logStreamName();
        while (true) {
          String token = next.get(key);
          GetLogEventsResponse page = clients.logs().getLogEvents(b -> b.logGroupName(group)
              .logStreamName(stream.logStreamName()).startFromHead(true).nextToken(token));
          for (OutputLogEvent event : page.events()) {
            lines.add(event.message());
          }
          if (page.nextForwardToken() != null) {
            next.put(key, page.nextForwardToken());
          }
          if (page.events().isEmpty() || page.nextForwardToken() == null || page.nextForwardToken().equals(token)) {
            break;
          }
        }
      }
      return RunLogAppender.Page.of(lines, next);
    };
  }
}
