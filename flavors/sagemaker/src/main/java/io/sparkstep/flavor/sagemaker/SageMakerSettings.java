package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.SettingCheck;
import java.util.List;
import java.util.regex.Pattern;

/** The settings of a sagemaker operator: their keys, types, defaults, checks and help, in one place. */
final class SageMakerSettings {
  /** SageMaker's pattern for RoleArn. */
  static final Pattern ROLE_ARN_PATTERN =
      Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");

  static final ConfigOption ROLE_ARN = ConfigOption.required("roleArn",
      "IAM role the training job assumes (arn:aws:iam::ACCOUNT:role/NAME)")
      .checkedBy(SettingCheck.matching(ROLE_ARN_PATTERN, "an IAM role ARN", "use arn:aws:iam::123456789012:role/NAME"));
  static final ConfigOption IMAGE = ConfigOption.required("image",
      "ECR URI of the Sparkstep step image (docker/), e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/sparkstep:TAG");
  static final ConfigOption OUTPUT_PATH = ConfigOption.required("outputPath",
      "s3://bucket/prefix for the training job's OutputDataConfig")
      .checkedBy(SettingCheck.matching(Pattern.compile("s3://.*"), "an s3:// URI", "set outputPath=s3://BUCKET/PREFIX"));
  static final ConfigOption SPEC_STORE = ConfigOption.optional("specStore", null, "URI prefix where specs too large "
      + "for an environment value are uploaded (s3://bucket/prefix; file:/ for local tests); default: outputPath + "
      + "/sparkstep").checkedBy(SettingCheck.matching(Pattern.compile("(s3://|file:).*"),
          "an s3:// URI (or file: for local stand-ins)", "set specStore=s3://BUCKET/PREFIX"));
  static final ConfigOption REGION = ConfigOption.optional("region", null,
      "AWS region; default: the SDK's region chain (AWS_REGION, profile)");
  static final ConfigOption ENDPOINT = ConfigOption.optional("endpoint", null,
      "SageMaker API endpoint override (VPC endpoint, stand-in)");
  static final ConfigOption LOGS_ENDPOINT = ConfigOption.optional("logsEndpoint", null,
      "CloudWatch Logs endpoint override; default: endpoint when set");
  static final ConfigOption S3_ENDPOINT = ConfigOption.optional("s3Endpoint", null,
      "S3 endpoint override for spec uploads");
  static final ConfigOption INSTANCE_TYPE = ConfigOption.optional("instanceType", null, "instance type for steps "
      + "that name none; default: chosen from resources.cpu/memory/gpus by the instance table");
  static final ConfigOption VOLUME_GB = ConfigOption.ofInt("volumeSizeGb", 30,
      "EBS volume size (GB) when resources.diskGb is not set").checkedBy(SettingCheck.between(1, 16384));
  static final ConfigOption MAX_RUNTIME = ConfigOption.ofInt("maxRuntimeSeconds", 86400,
      "max runtime (s) when resources.maxRuntimeSeconds is not set").checkedBy(SettingCheck.atLeast(1));
  static final ConfigOption SUBNETS = ConfigOption.ofList("subnets",
      "comma-separated subnet ids (VpcConfig); needs securityGroups");
  static final ConfigOption SECURITY_GROUPS = ConfigOption.ofList("securityGroups",
      "comma-separated security group ids (VpcConfig); needs subnets");
  static final String TAG_PREFIX = "tag.";
  static final String ENV_PREFIX = "env.";
  /** AWS SDK attempts per API call (the user's key stays {@code maxAttempts}); not step retries. */
  static final ConfigOption SDK_ATTEMPTS = ConfigOption.ofInt("maxAttempts", 6,
      "API attempts per call; throttling and 5xx are retried with backoff and jitter")
      .checkedBy(SettingCheck.atLeast(1));
  static final ConfigOption POLL_MILLIS = ConfigOption.ofLong("pollMillis", 10000,
      "how often DescribeTrainingJob is polled while waiting").checkedBy(SettingCheck.atLeast(1));

  static final List<ConfigOption> OPTIONS = List.of(ROLE_ARN, IMAGE, OUTPUT_PATH, SPEC_STORE, REGION, ENDPOINT,
      LOGS_ENDPOINT, S3_ENDPOINT, INSTANCE_TYPE, VOLUME_GB, MAX_RUNTIME, SUBNETS, SECURITY_GROUPS,
      ConfigOption.optional(TAG_PREFIX, null, "tag.KEY=VALUE adds a tag to every training job"),
      ConfigOption.optional(ENV_PREFIX, null, "env.NAME=VALUE adds an environment variable to the container"),
      SDK_ATTEMPTS, POLL_MILLIS);

  private SageMakerSettings() {
  }
}
