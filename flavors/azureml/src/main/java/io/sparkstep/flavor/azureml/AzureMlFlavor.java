package io.sparkstep.flavor.azureml;

import io.sparkstep.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Azure ML command jobs: the step image's entrypoint runs on an Azure ML compute target, created, watched and
 * cancelled through the ARM REST jobs API (no Java Azure ML SDK is published, so azure-core's HttpPipeline carries
 * the calls with azure-identity's credentials, retry and bearer-token policies).
 */
public final class AzureMlFlavor implements Flavor {
  static final String DEFAULT_API_VERSION = "2024-04-01";

  @Override
  public String name() {
    return "azureml";
  }

  @Override
  public String description() {
    return "Azure ML command jobs running the step image (ARM REST jobs API via azure-core)";
  }

  @Override
  public List<ConfigOption> options() {
    return List.of(
        ConfigOption.optional("subscriptionId", null, "Azure subscription id (default: $AZURE_SUBSCRIPTION_ID)"),
        ConfigOption.required("resourceGroup", "resource group of the workspace"),
        ConfigOption.required("workspace", "Azure ML workspace name"),
        ConfigOption.required("compute", "compute target name in the workspace (or its full ARM id)"),
        ConfigOption.required("environment", "Azure ML environment built from the step image: azureml:NAME:VERSION or an ARM id"),
        ConfigOption.required("stagingUri", "abfss://container@account.dfs.core.windows.net/sparkstep: run records and large specs"),
        ConfigOption.optional("command", "/opt/sparkstep/bin/entrypoint", "command that runs io.sparkstep.runtime.StepEntrypoint in the image"),
        ConfigOption.optional("experiment", "sparkstep", "experiment name the jobs are grouped under"),
        ConfigOption.optional("instanceType", null, "instance type for every run (default: from resources by the table; resources.instanceType wins)"),
        ConfigOption.optional("apiVersion", DEFAULT_API_VERSION, "ARM api-version of Microsoft.MachineLearningServices"),
        ConfigOption.optional("endpoint", "https://management.azure.com", "ARM endpoint (sovereign clouds, stand-ins); https only"),
        ConfigOption.optional("maxRetries", "5", "retries of throttling (429) and 5xx answers, with exponential backoff and Retry-After"),
        ConfigOption.optional("pollMillis", "10000", "how often job status is read"),
        ConfigOption.optional("specEnvMaxBytes", "32768", "largest spec passed as $SPARKSTEP_SPEC; larger ones go to stagingUri"),
        ConfigOption.optional("env.", null, "container environment variable, e.g. env.DB_PASSWORD=${DB_PASSWORD}"),
        ConfigOption.optional("tag.", null, "job tag, e.g. tag.team=data"),
        ConfigOption.optional("conf.", null, "Spark conf for every run, e.g. conf.spark.sql.shuffle.partitions=8"));
  }

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    String endpoint = config.get("endpoint");
    if (endpoint == null || !endpoint.startsWith("https://")) {
      problems.add(ValidationProblem.of("endpoint", "must be an https:// URL, was " + endpoint,
          "ARM bearer tokens are only sent over HTTPS"));
    } else {
      try {
        URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        problems.add(ValidationProblem.of("endpoint", "is not a URL: " + e.getMessage(), "e.g. https://management.azure.com"));
      }
    }
    String workspace = config.get("workspace");
    if (workspace != null && !workspace.matches("[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}")) {
      problems.add(ValidationProblem.of("workspace", "'" + workspace + "' is not a valid workspace name",
          "3-33 letters, digits, '-' or '_', starting with a letter or digit"));
    }
    String environment = config.get("environment");
    if (environment != null && !SHORT_ENVIRONMENT.matcher(environment).matches()
        && !ARM_ENVIRONMENT.matcher(environment).matches()) {
      problems.add(ValidationProblem.of("environment", "'" + environment + "' is not an environment reference",
          "register the step image as an environment and give azureml:NAME:VERSION or its ARM id "
              + "/subscriptions/.../environments/NAME/versions/VERSION"));
    }
    String staging = config.get("stagingUri");
    if (staging != null && !staging.matches("(abfss?|wasbs?)://[^/@\\s]+@[^/\\s]+(/\\S*)?|file:/\\S*")) {
      problems.add(ValidationProblem.of("stagingUri", "'" + staging + "' is not an Azure storage URI",
          "use abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX"));
    }
    if (config.get("subscriptionId") == null && System.getenv("AZURE_SUBSCRIPTION_ID") == null) {
      problems.add(ValidationProblem.of("subscriptionId", "is not set and $AZURE_SUBSCRIPTION_ID is empty",
          "--set subscriptionId=... or export AZURE_SUBSCRIPTION_ID"));
    }
    for (String key : List.of("maxRetries", "pollMillis", "specEnvMaxBytes")) {
      try {
        if (Long.parseLong(config.get(key)) < 0) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add(ValidationProblem.of(key, "must be a whole number >= 0", "e.g. " + key + "=5"));
      }
    }
    return problems;
  }

  private static final java.util.regex.Pattern SHORT_ENVIRONMENT =
      java.util.regex.Pattern.compile("azureml:([A-Za-z0-9][A-Za-z0-9._-]{0,254}):([A-Za-z0-9][A-Za-z0-9._-]{0,29})");
  private static final java.util.regex.Pattern ARM_ENVIRONMENT = java.util.regex.Pattern.compile(
      "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.MachineLearningServices/"
          + "(workspaces|registries)/[^/]+/environments/[^/]+/versions/[^/]+", java.util.regex.Pattern.CASE_INSENSITIVE);

  /**
   * The job's {@code environmentId}, which the REST API defines as an ARM resource id: {@code azureml:NAME:VERSION}
   * (the CLI and studio's short form) becomes the workspace's environment version id.
   */
  static String environmentId(String environment, String workspaceId) {
    java.util.regex.Matcher shortForm = environment == null ? null : SHORT_ENVIRONMENT.matcher(environment);
    if (shortForm != null && shortForm.matches()) {
      return workspaceId + "/environments/" + shortForm.group(1) + "/versions/" + shortForm.group(2);
    }
    return environment;
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new AzureMlOperator(config);
  }
}
