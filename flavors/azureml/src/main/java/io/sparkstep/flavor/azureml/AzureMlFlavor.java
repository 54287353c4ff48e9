package io.sparkstep.flavor.azureml;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.SettingCheck;
import io.sparkstep.spi.StepOperator;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Azure ML command jobs: the step image's entrypoint runs on an Azure ML compute target, created, watched and
 * cancelled through the ARM REST jobs API (no Java Azure ML SDK is published, so azure-core's HttpPipeline carries
 * the calls with azure-identity's credentials, retry and bearer-token policies).
 */
public final class AzureMlFlavor implements Flavor {
  static final String DEFAULT_API_VERSION = "2024-04-01";
  private static final Pattern SHORT_ENVIRONMENT =
      Pattern.compile("azureml:([A-Za-z0-9][A-Za-z0-9._-]{0,254}):([A-Za-z0-9][A-Za-z0-9._-]{0,29})");
  private static final Pattern ARM_ENVIRONMENT = Pattern.compile(
      "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.MachineLearningServices/"
          + "(workspaces|registries)/[^/]+/environments/[^/]+/versions/[^/]+", Pattern.CASE_INSENSITIVE);

  @Override
  public String name() {
    return "azureml";
  }

  @Override
  public String description() {
    return "Azure ML command jobs running the step image (ARM REST jobs API via azure-core)";
  }

  static final ConfigOption SUBSCRIPTION_ID = ConfigOption.optional("subscriptionId", null,
      "Azure subscription id (default: $AZURE_SUBSCRIPTION_ID)");
  static final ConfigOption RESOURCE_GROUP = ConfigOption.required("resourceGroup", "resource group of the workspace");
  static final ConfigOption WORKSPACE = ConfigOption.required("workspace", "Azure ML workspace name")
      .checkedBy(SettingCheck.matching(Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}"), "a valid workspace name",
          "3-33 letters, digits, '-' or '_', starting with a letter or digit"));
  static final ConfigOption COMPUTE = ConfigOption.required("compute",
      "compute target name in the workspace (or its full ARM id)");
  static final ConfigOption ENVIRONMENT = ConfigOption.required("environment",
      "Azure ML environment built from the step image: azureml:NAME:VERSION or an ARM id")
      .checkedBy((key, value) -> SHORT_ENVIRONMENT.matcher(value).matches() || ARM_ENVIRONMENT.matcher(value).matches()
          ? null : ValidationProblem.of(key, "'" + value + "' is not an environment reference",
          "register the step image as an environment and give azureml:NAME:VERSION or its ARM id "
              + "/subscriptions/.../environments/NAME/versions/VERSION"));
  static final ConfigOption STAGING_URI = ConfigOption.required("stagingUri",
      "abfss://container@account.dfs.core.windows.net/sparkstep: run records and large specs")
      .checkedBy(SettingCheck.matching(Pattern.compile("(abfss?|wasbs?)://[^/@\\s]+@[^/\\s]+(/\\S*)?|file:/\\S*"),
          "an Azure storage URI", "use abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX"));
  static final ConfigOption COMMAND = ConfigOption.optional("command", "/opt/sparkstep/bin/entrypoint",
      "command that runs io.sparkstep.runtime.StepEntrypoint in the image");
  static final ConfigOption EXPERIMENT = ConfigOption.optional("experiment", "sparkstep",
      "experiment name the jobs are grouped under");
  static final ConfigOption INSTANCE_TYPE = ConfigOption.optional("instanceType", null,
      "instance type for every run (default: from resources by the table; resources.instanceType wins)");
  static final ConfigOption API_VERSION = ConfigOption.optional("apiVersion", DEFAULT_API_VERSION,
      "ARM api-version of Microsoft.MachineLearningServices");
  static final ConfigOption ENDPOINT = ConfigOption.optional("endpoint", "https://management.azure.com",
      "ARM endpoint (sovereign clouds, stand-ins); https only").checkedBy(AzureMlFlavor::endpointProblem);
  static final ConfigOption MAX_RETRIES = ConfigOption.ofInt("maxRetries", 5,
      "retries of throttling (429) and 5xx answers, with exponential backoff and Retry-After")
      .checkedBy(SettingCheck.atLeast(0));
  static final ConfigOption POLL_MILLIS = ConfigOption.ofLong("pollMillis", 10000, "how often job status is read")
      .checkedBy(SettingCheck.atLeast(1));
  static final ConfigOption SPEC_ENV_MAX_BYTES = ConfigOption.ofLong("specEnvMaxBytes", 32768,
      "largest spec passed as $SPARKSTEP_SPEC; larger ones go to stagingUri").checkedBy(SettingCheck.atLeast(0));

  @Override
  public List<ConfigOption> options() {
    return List.of(SUBSCRIPTION_ID, RESOURCE_GROUP, WORKSPACE, COMPUTE, ENVIRONMENT, STAGING_URI, COMMAND,
        EXPERIMENT, INSTANCE_TYPE, API_VERSION, ENDPOINT, MAX_RETRIES, POLL_MILLIS, SPEC_ENV_MAX_BYTES,
        ConfigOption.optional("env.", null, "container environment variable, e.g. env.DB_PASSWORD=${DB_PASSWORD}"),
        ConfigOption.optional("tag.", null, "job tag, e.g. tag.team=data"),
        ConfigOption.optional("conf.", null, "Spark conf for every run, e.g. conf.spark.sql.shuffle.partitions=8"));
  }

  /** ARM bearer tokens go only to an https:// URL. */
  private static ValidationProblem endpointProblem(String key, String endpoint) {
    if (!endpoint.startsWith("https://")) {
      return ValidationProblem.of(key, "must be an https:// URL, was " + endpoint,
          "ARM bearer tokens are only sent over HTTPS");
    }
    try {
      URI.create(endpoint);
      return null;
    } catch (IllegalArgumentException e) {
      return ValidationProblem.of(key, "is not a URL: " + e.getMessage(), "e.g. https://management.azure.com");
    }
  }

  /** What no single declaration can say: the subscription comes from the setting or the environment. */
  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    if (config.get(SUBSCRIPTION_ID) == null && System.getenv("AZURE_SUBSCRIPTION_ID") == null) {
      problems.add(ValidationProblem.of(SUBSCRIPTION_ID.key(), "is not set and $AZURE_SUBSCRIPTION_ID is empty",
          "--set subscriptionId=... or export AZURE_SUBSCRIPTION_ID"));
    }
    return problems;
  }

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
