package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.util.EnvInterpolation;
import java.util.ArrayList;
import java.util.List;

/** Steps as Amazon SageMaker training jobs running the Sparkstep step image (AWS SDK v2). */
public final class SageMakerFlavor implements Flavor {

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

  /** The rules across settings, and those on the keys of env.* and tag.*; each value's own is its declaration's. */
  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    boolean subnets = !config.getList(SageMakerSettings.SUBNETS).isEmpty();
    boolean groups = !config.getList(SageMakerSettings.SECURITY_GROUPS).isEmpty();
    if (subnets != groups) {
      problems.add(ValidationProblem.of((subnets ? SageMakerSettings.SECURITY_GROUPS : SageMakerSettings.SUBNETS)
          .key(), "a VPC config needs both subnets and securityGroups",
          "set both subnets=subnet-...,... and securityGroups=sg-...,..., or neither"));
    }
    config.raw().forEach((key, value) -> {
      if (key.startsWith(SageMakerSettings.ENV_PREFIX)) {
        String name = key.substring(SageMakerSettings.ENV_PREFIX.length());
        if (!ENV_KEY.matcher(name).matches()) {
          problems.add(ValidationProblem.of(key, "'" + name + "' is not a name SageMaker accepts for an "
              + "environment variable", "use [a-zA-Z_][a-zA-Z0-9_]*, at most 512 characters"));
        }
      } else if (key.startsWith(SageMakerSettings.TAG_PREFIX)) {
        String tag = key.substring(SageMakerSettings.TAG_PREFIX.length());
        if (tag.length() > 128 || !TAG_TEXT.matcher(tag).matches() || tag.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
          problems.add(ValidationProblem.of(key, "'" + tag + "' is not a valid SageMaker tag key",
              "1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:"));
        }
        if (value != null && !EnvInterpolation.references(value)
            && !value.isEmpty() && (value.length() > 256 || !TAG_TEXT.matcher(value).matches())) {
          problems.add(ValidationProblem.of(key, "value '" + value + "' is not a valid SageMaker tag value",
              "at most 256 letters, digits, spaces and _ . : / = + - @"));
        }
      }
    });
    return problems;
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new SageMakerOperator(config);
  }
}
