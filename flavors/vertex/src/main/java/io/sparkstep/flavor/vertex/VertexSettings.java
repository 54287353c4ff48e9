package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.AcceleratorType;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.SettingCheck;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The vertex operator's settings, their defaults and their checks, read once per operation. */
final class VertexSettings {
  static final String PROJECT_ENV = "GOOGLE_CLOUD_PROJECT";
  static final String REGION_ENV = "GOOGLE_CLOUD_REGION";
  static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");

  static final ConfigOption PROJECT = ConfigOption.optional("project", null,
      "Google Cloud project id (default: $" + PROJECT_ENV + ")");
  static final ConfigOption LOCATION = ConfigOption.optional("location", null,
      "Vertex AI region, e.g. us-central1 (default: $" + REGION_ENV + ", else us-central1)");
  static final ConfigOption IMAGE = ConfigOption.required("image", "step image URI with the Sparkstep entrypoint, "
      + "e.g. us-docker.pkg.dev/PROJECT/REPO/sparkstep:0.1.0");
  static final ConfigOption STAGING_URI = ConfigOption.required("stagingUri", "gs:// folder for run directories (the "
      + "container's run record) and specs too large for an environment variable, e.g. gs://BUCKET/sparkstep")
      .checkedBy(SettingCheck.matching(Pattern.compile("(gs://|file:).*"), "a gs:// URI",
          "use gs://BUCKET/PREFIX (file:/ only for tests against a local stand-in)"));
  static final ConfigOption SERVICE_ACCOUNT = ConfigOption.optional("serviceAccount", null, "service account the "
      + "job runs as (needs storage access to the step's data and stagingUri)");
  static final ConfigOption NETWORK = ConfigOption.optional("network", null,
      "VPC network to peer with, projects/NUMBER/global/networks/NAME");
  static final ConfigOption MACHINE_TYPE = ConfigOption.optional("machineType", null, "machine type for every run, "
      + "instead of the table from resources.cpu/memory/gpus (resources.instanceType still wins)");
  static final ConfigOption ACCELERATOR_TYPE = ConfigOption.optional("acceleratorType", "NVIDIA_TESLA_T4",
      "Vertex accelerator type for resources.gpus, e.g. NVIDIA_TESLA_T4, NVIDIA_L4, NVIDIA_TESLA_A100, "
          + "NVIDIA_H100_80GB").checkedBy((key, value) -> acceleratorOrNull(value) != null ? null
      : ValidationProblem.of(key, "unknown accelerator type '" + value + "'",
          "use a Vertex AcceleratorType such as NVIDIA_TESLA_T4, NVIDIA_L4, NVIDIA_TESLA_A100"));
  static final ConfigOption BOOT_DISK_TYPE = ConfigOption.optional("bootDiskType", "pd-ssd",
      "boot disk type: pd-ssd or pd-standard").oneOf("boot disk type", "pd-ssd", "pd-standard");
  static final ConfigOption BOOT_DISK_GB = ConfigOption.ofInt("bootDiskGb", 100,
      "boot disk size when resources.diskGb is not set (100..65536)").checkedBy(SettingCheck.between(100, 65536));
  static final ConfigOption RESTART_JOB_ON_WORKER_RESTART = ConfigOption.ofBoolean("restartJobOnWorkerRestart", false,
      "restart the job when its worker restarts");
  static final ConfigOption COMMAND = ConfigOption.optional("command", null, "container command, space separated "
      + "(default: the image's ENTRYPOINT, which runs io.sparkstep.runtime.StepEntrypoint)");
  static final ConfigOption SPEC_ENV_MAX_BYTES = ConfigOption.ofInt("specEnvMaxBytes", 32768, "largest spec passed "
      + "as $SPARKSTEP_SPEC; larger ones are uploaded under stagingUri and passed as $SPARKSTEP_SPEC_URI (0 sends "
      + "every spec by URI)").checkedBy(SettingCheck.between(0, 1024 * 1024));
  static final ConfigOption ENDPOINT = ConfigOption.optional("endpoint", null,
      "JobService endpoint host:port (default LOCATION-aiplatform.googleapis.com:443)");
  static final ConfigOption STREAM_LOGS = ConfigOption.ofBoolean("streamLogs", true,
      "copy the container's Cloud Logging lines into the run's log");
  static final ConfigOption LOGGING_ENDPOINT = ConfigOption.optional("loggingEndpoint", "logging.googleapis.com:443",
      "Cloud Logging endpoint host:port");
  static final ConfigOption PLAINTEXT = ConfigOption.ofBoolean("plaintext", false,
      "true only for local stand-ins (both endpoints): no TLS, no credentials");
  static final ConfigOption POLL_MILLIS = ConfigOption.ofLong("pollMillis", 10000, "how often status is read from "
      + "Vertex").checkedBy(SettingCheck.atLeast(1));

  static final List<ConfigOption> OPTIONS = List.of(PROJECT, LOCATION, IMAGE, STAGING_URI, SERVICE_ACCOUNT, NETWORK,
      MACHINE_TYPE, ACCELERATOR_TYPE, BOOT_DISK_TYPE, BOOT_DISK_GB, RESTART_JOB_ON_WORKER_RESTART, COMMAND,
      SPEC_ENV_MAX_BYTES, ENDPOINT, STREAM_LOGS, LOGGING_ENDPOINT, PLAINTEXT, POLL_MILLIS,
      ConfigOption.optional("label.", null, "job label, e.g. label.team=data (lowercase letters, digits, _ and -)"),
      ConfigOption.optional("env.", null, "container environment variable, e.g. env.DB_PASSWORD=${DB_PASSWORD}"),
      ConfigOption.optional("conf.", null, "Spark conf for every run, e.g. conf.spark.sql.shuffle.partitions=8"));

  final String project;
  final String location;
  final String image;
  final String stagingUri;
  final String serviceAccount;
  final String network;
  final String machineType;
  final String acceleratorType;
  final String bootDiskType;
  final int bootDiskGb;
  final boolean restartJobOnWorkerRestart;
  final String command;
  final int specEnvMaxBytes;
  final String endpoint;
  final boolean plaintext;
  final boolean streamLogs;
  final String loggingEndpoint;
  final long pollMillis;
  final Map<String, String> labels;
  final Map<String, String> env;
  final Map<String, String> conf;

  VertexSettings(OperatorConfig config) {
    project = config.get(PROJECT.key(), System.getenv(PROJECT_ENV));
    location = config.get(LOCATION.key(), System.getenv(REGION_ENV) == null ? "us-central1" : System.getenv(REGION_ENV));
    image = config.get(IMAGE);
    stagingUri = trimSlash(config.get(STAGING_URI));
    serviceAccount = config.get(SERVICE_ACCOUNT);
    network = config.get(NETWORK);
    machineType = config.get(MACHINE_TYPE);
    acceleratorType = config.get(ACCELERATOR_TYPE);
    bootDiskType = config.get(BOOT_DISK_TYPE);
    bootDiskGb = config.getInt(BOOT_DISK_GB);
    restartJobOnWorkerRestart = config.getBoolean(RESTART_JOB_ON_WORKER_RESTART);
    command = config.get(COMMAND);
    specEnvMaxBytes = config.getInt(SPEC_ENV_MAX_BYTES);
    endpoint = config.get(ENDPOINT.key(), location + "-aiplatform.googleapis.com:443");
    plaintext = config.getBoolean(PLAINTEXT);
    streamLogs = config.getBoolean(STREAM_LOGS);
    loggingEndpoint = config.get(LOGGING_ENDPOINT);
    pollMillis = config.getLong(POLL_MILLIS);
    labels = config.withPrefix("label.");
    env = config.withPrefix("env.");
    conf = config.withPrefix("conf.");
  }

  /** Checks a configuration without contacting Vertex. */
  static void check(OperatorConfig config, List<ValidationProblem> problems) {
    VertexSettings s;
    try {
      s = new VertexSettings(config);
    } catch (RuntimeException e) {
      problems.add(ValidationProblem.of("settings", e.getMessage(), "fix the value or set the environment variable"));
      return;
    }
    if (s.project == null || s.project.isBlank()) {
      problems.add(ValidationProblem.of("project", "no Google Cloud project", "--set project=PROJECT_ID or export "
          + PROJECT_ENV));
    }
    s.labels.forEach((k, v) -> checkLabel("label." + k, k, v, problems));
    s.env.keySet().forEach(k -> {
      if (k.startsWith("SPARKSTEP_")) {
        problems.add(ValidationProblem.of("env." + k, "SPARKSTEP_* variables are set by the flavor",
            "choose another name"));
      }
    });
  }

  static void checkLabel(String field, String key, String value, List<ValidationProblem> problems) {
    if (!LABEL_KEY.matcher(key).matches()) {
      problems.add(ValidationProblem.of(field, "'" + key + "' is not a valid Vertex label key",
          "lowercase letters, digits, _ and -, starting with a letter, at most 63 characters"));
    }
    if (value == null || !LABEL_VALUE.matcher(value).matches()) {
      problems.add(ValidationProblem.of(field, "'" + value + "' is not a valid Vertex label value",
          "lowercase letters, digits, _ and -, at most 63 characters"));
    }
  }

  /** The accelerator type as the API enum; the name was checked by its declaration. */
  AcceleratorType accelerator() {
    return acceleratorOrNull(acceleratorType);
  }

  private static AcceleratorType acceleratorOrNull(String acceleratorType) {
    try {
      AcceleratorType type = AcceleratorType.valueOf(acceleratorType.toUpperCase(java.util.Locale.ROOT));
      return type == AcceleratorType.UNRECOGNIZED || type == AcceleratorType.ACCELERATOR_TYPE_UNSPECIFIED ? null : type;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String trimSlash(String uri) {
    return uri != null && uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }
}
