package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Steps as Amazon SageMaker training jobs running the Sparkstep step image (AWS SDK v2). */
public final class SageMakerFlavor implements Flavor {
  /** SageMaker's pattern for RoleArn. */
  static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");

  @Override
  public String name() {
    return "sagemaker";
  }

  @Override
  public String description() {
    return "Amazon SageMaker training jobs running the step image (CreateTrainingJob, CloudWatch logs)";
  }

  @Override
  public List<ConfigOption> options() {
    return SageMakerSettings.OPTIONS;
  }

  /** CreateTrainingJob's pattern for Environment keys. */
  private static final java.util.regex.Pattern ENV_KEY = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,511}");
  /** The AWS tag pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$ for keys and values. */
  private static final java.util.regex.Pattern TAG_TEXT = java.util.regex.Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    String prefix = "operator " + config.name() + " ";
    String role = resolved(config, SageMakerSettings.ROLE_ARN, problems, prefix);
    if (role != null && !ROLE_ARN.matcher(role).matches()) {
      problems.add(ValidationProblem.of(prefix + SageMakerSettings.ROLE_ARN, "not an IAM role ARN: " + role,
          "use arn:aws:iam::123456789012:role/NAME"));
    }
    String output = resolved(config, SageMakerSettings.OUTPUT_PATH, problems, prefix);
    if (output != null && !output.startsWith("s3://")) {
      problems.add(ValidationProblem.of(prefix + SageMakerSettings.OUTPUT_PATH, "must be an s3:// URI, got " + output,
          "set outputPath=s3://BUCKET/PREFIX"));
    }
    String store = resolved(config, SageMakerSettings.SPEC_STORE, problems, prefix);
    if (store != null && !store.isBlank() && !SpecStore.isSupported(store)) {
      problems.add(ValidationProblem.of(prefix + SageMakerSettings.SPEC_STORE, "must be s3:// (or file: for local"
          + " stand-ins), got " + store, "set specStore=s3://BUCKET/PREFIX"));
    }
    String subnets = resolved(config, SageMakerSettings.SUBNETS, problems, prefix);
    String groups = resolved(config, SageMakerSettings.SECURITY_GROUPS, problems, prefix);
    if (isSet(subnets) != isSet(groups)) {
      problems.add(ValidationProblem.of(prefix + (isSet(subnets) ? SageMakerSettings.SECURITY_GROUPS
          : SageMakerSettings.SUBNETS), "a VPC config needs both subnets and securityGroups",
          "set both subnets=subnet-...,... and securityGroups=sg-...,..., or neither"));
    }
    config.raw().forEach((key, value) -> {
      if (key.startsWith(SageMakerSettings.ENV_PREFIX)) {
        String name = key.substring(SageMakerSettings.ENV_PREFIX.length());
        if (!ENV_KEY.matcher(name).matches()) {
          problems.add(ValidationProblem.of(prefix + key, "'" + name + "' is not a name SageMaker accepts for an "
              + "environment variable", "use [a-zA-Z_][a-zA-Z0-9_]*, at most 512 characters"));
        }
      } else if (key.startsWith(SageMakerSettings.TAG_PREFIX)) {
        String tag = key.substring(SageMakerSettings.TAG_PREFIX.length());
        if (tag.length() > 128 || !TAG_TEXT.matcher(tag).matches() || tag.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
          problems.add(ValidationProblem.of(prefix + key, "'" + tag + "' is not a valid SageMaker tag key",
              "1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:"));
        }
        if (value != null && !io.sparkstep.util.EnvInterpolation.references(value)
            && !value.isEmpty() && (value.length() > 256 || !TAG_TEXT.matcher(value).matches())) {
          problems.add(ValidationProblem.of(prefix + key, "value '" + value + "' is not a valid SageMaker tag value",
              "at most 256 letters, digits, spaces and _ . : / = + - @"));
        }
      }
    });
    for (String key : List.of(SageMakerSettings.VOLUME_GB, SageMakerSettings.MAX_RUNTIME,
        SageMakerSettings.MAX_ATTEMPTS, SageMakerSettings.POLL_MILLIS)) {
      String value = resolved(config, key, problems, prefix);
      if (value != null && !value.trim().matches("\\d+")) {
        problems.add(ValidationProblem.of(prefix + key, "must be a whole number, got " + value,
            "set " + key + "=NUMBER"));
      }
    }
    return problems;
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  private static String resolved(OperatorConfig config, String key, List<ValidationProblem> problems, String prefix) {
    try {
      return config.get(key);
    } catch (RuntimeException e) {
      problems.add(ValidationProblem.of(prefix + key, e.getMessage(), "export the variable it names"));
      return null;
    }
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new SageMakerOperator(config);
  }
}
