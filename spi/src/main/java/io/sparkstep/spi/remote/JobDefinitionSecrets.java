package io.sparkstep.spi.remote;

import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Secrets and the job a remote flavor creates (a SageMaker training job, a Vertex CustomJob, an Azure ML command
 * job). The spec the container runs travels in the job definition (an environment value the platform stores and
 * shows to anyone who may describe the job) or in a spec file in the staging bucket, so no resolved secret may be in
 * its Spark conf: a run's literal secret is refused before anything is created, and the operator's {@code conf.*}
 * goes as written, so a {@code ${VAR}} reference is resolved by the entrypoint with the container's environment.
 * The one route for a value into the container is its environment ({@code env.*}, the child's environment of the
 * secrets model), which the platform keeps as the job's own setting.
 */
public final class JobDefinitionSecrets {
  private JobDefinitionSecrets() {
  }

  /**
   * A problem for each Spark conf value (the run's, or the operator's {@code conf.*}) that is a literal secret: a
   * secret-looking key without a {@code ${VAR}} reference, or a value holding a secret registered for the run.
   *
   * @param job the platform's job, for the message ("SageMaker training job")
   */
  public static List<ValidationProblem> literalSecrets(StepSpec spec, OperatorConfig config, String job) {
    List<ValidationProblem> problems = new ArrayList<>();
    Set<String> registered = Redactor.registered();
    spec.sparkConf.forEach((key, value) -> {
      if (isLiteralSecret(key, value, registered)) {
        problems.add(problem("sparkConf." + key, key, job));
      }
    });
    config.raw().forEach((key, value) -> {
      if (key.startsWith("conf.") && isLiteralSecret(key, value, registered)) {
        problems.add(problem("operator " + config.name() + " " + key, key.substring("conf.".length()), job));
      }
    });
    return problems;
  }

  private static boolean isLiteralSecret(String key, String value, Set<String> registered) {
    return value != null && !value.isEmpty() && !EnvInterpolation.references(value)
        && (Redactor.isSecretKey(key) || registered.stream().anyMatch(s -> !s.isEmpty() && value.contains(s)));
  }

  private static ValidationProblem problem(String field, String confKey, String job) {
    return ValidationProblem.of(field, "a literal secret would be stored in the " + job + "'s definition (the spec"
        + " travels in it)", "give the container the value as an environment variable (operator env.NAME='${NAME}'"
        + " or the image) and write " + confKey + "='${NAME}'");
  }

  /**
   * Adds the operator's {@code conf.*} to the container's spec as written ({@code ${VAR}} unresolved), under the
   * run's own conf.
   */
  public static StepSpec withOperatorConf(StepSpec containerSpec, OperatorConfig config) {
    config.raw().forEach((key, value) -> {
      if (key.startsWith("conf.")) {
        containerSpec.sparkConf.putIfAbsent(key.substring("conf.".length()), value);
      }
    });
    return containerSpec;
  }
}
