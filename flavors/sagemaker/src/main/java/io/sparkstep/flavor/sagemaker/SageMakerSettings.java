package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.ConfigOption;
import java.util.List;

/** The settings of a sagemaker operator: their keys, defaults and help, in one place. */
final class SageMakerSettings {
  static final String ROLE_ARN = "roleArn";
  static final String IMAGE = "image";
  static final String OUTPUT_PATH = "outputPath";
  static final String SPEC_STORE = "specStore";
  static final String REGION = "region";
  static final String ENDPOINT = "endpoint";
  static final String LOGS_ENDPOINT = "logsEndpoint";
  static final String S3_ENDPOINT = "s3Endpoint";
  static final String INSTANCE_TYPE = "instanceType";
  static final String VOLUME_GB = "volumeSizeGb";
  static final String MAX_RUNTIME = "maxRuntimeSeconds";
  static final String SUBNETS = "subnets";
  static final String SECURITY_GROUPS = "securityGroups";
  static final String TAG_PREFIX = "tag.";
  static final String ENV_PREFIX = "env.";
  static final String MAX_ATTEMPTS = "maxAttempts";
  static final String POLL_MILLIS = "pollMillis";

  static final List<ConfigOption> OPTIONS = List.of(
      ConfigOption.required(ROLE_ARN, "IAM role the training job assumes (arn:aws:iam::ACCOUNT:role/NAME)"),
      ConfigOption.required(IMAGE, "ECR URI of the Sparkstep step image (docker/), e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/sparkstep:TAG"),
      ConfigOption.required(OUTPUT_PATH, "s3://bucket/prefix for the training job's OutputDataConfig"),
      ConfigOption.optional(SPEC_STORE, null, "URI prefix where specs too large for an environment value are uploaded"
          + " (s3://bucket/prefix; file:/ for local tests); default: outputPath + /sparkstep"),
      ConfigOption.optional(REGION, null, "AWS region; default: the SDK's region chain (AWS_REGION, profile)"),
      ConfigOption.optional(ENDPOINT, null, "SageMaker API endpoint override (VPC endpoint, stand-in)"),
      ConfigOption.optional(LOGS_ENDPOINT, null, "CloudWatch Logs endpoint override; default: endpoint when set"),
      ConfigOption.optional(S3_ENDPOINT, null, "S3 endpoint override for spec uploads"),
      ConfigOption.optional(INSTANCE_TYPE, null, "instance type for steps that name none; default: chosen from"
          + " resources.cpu/memory/gpus by the instance table"),
      ConfigOption.optional(VOLUME_GB, "30", "EBS volume size (GB) when resources.diskGb is not set"),
      ConfigOption.optional(MAX_RUNTIME, "86400", "max runtime (s) when resources.maxRuntimeSeconds is not set"),
      ConfigOption.optional(SUBNETS, null, "comma-separated subnet ids (VpcConfig); needs securityGroups"),
      ConfigOption.optional(SECURITY_GROUPS, null, "comma-separated security group ids (VpcConfig); needs subnets"),
      ConfigOption.optional(TAG_PREFIX, null, "tag.KEY=VALUE adds a tag to every training job"),
      ConfigOption.optional(ENV_PREFIX, null, "env.NAME=VALUE adds an environment variable to the container"),
      ConfigOption.optional(MAX_ATTEMPTS, "6", "API attempts per call; throttling and 5xx are retried with backoff and jitter"),
      ConfigOption.optional(POLL_MILLIS, "10000", "how often DescribeTrainingJob is polled while waiting"));

  private SageMakerSettings() {
  }
}
