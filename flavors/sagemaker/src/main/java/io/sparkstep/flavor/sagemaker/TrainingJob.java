package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sagemaker flavor's handle data: the run's training job, where its entrypoint writes (the run directory in S3)
 * and where its log streams are. Stored under the keys sagemaker records have always had ({@code trainingJobName},
 * {@code trainingJobArn}, {@code region}, {@code instanceType}, {@code remoteRunDir}, {@code logGroup},
 * {@code logStreamPrefix}); the ARN and region are known only once CreateTrainingJob answered.
 */
record TrainingJob(String name, String arn, String region, String instanceType, String runDir, String logGroup,
    String logStreamPrefix) implements PlatformHandle {
  static final String NAME = "trainingJobName";
  static final String ARN = "trainingJobArn";
  static final String REGION = "region";
  static final String INSTANCE_TYPE = "instanceType";
  static final String RUN_DIR = "remoteRunDir";
  static final String LOG_GROUP = "logGroup";
  static final String LOG_STREAM_PREFIX = "logStreamPrefix";
  /** Where SageMaker writes every training job's log streams. */
  static final String TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs";

  /** The job about to be created: what the request names. */
  static TrainingJob requested(String name, String instanceType, String runDir) {
    return new TrainingJob(name, null, null, instanceType, runDir, null, null);
  }

  /** The job SageMaker created: its ARN, and its log streams in the region's training log group. */
  TrainingJob created(String createdArn, String inRegion) {
    return new TrainingJob(name, createdArn, inRegion, instanceType, runDir, TRAINING_LOG_GROUP, name + "/algo-1-");
  }

  static TrainingJob of(RunRecord record) {
    Map<String, String> platform = record.platform;
    return new TrainingJob(platform.get(NAME), platform.get(ARN), platform.get(REGION),
        platform.get(INSTANCE_TYPE), platform.get(RUN_DIR), platform.get(LOG_GROUP), platform.get(LOG_STREAM_PREFIX));
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(NAME, name);
    entries.put(INSTANCE_TYPE, instanceType);
    entries.put(RUN_DIR, runDir);
    entries.put(ARN, arn);
    entries.put(REGION, region);
    entries.put(LOG_GROUP, logGroup);
    entries.put(LOG_STREAM_PREFIX, logStreamPrefix);
    return entries;
  }
}
