package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.AcceleratorType;
import io.sparkstep.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.OperatorConfig;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The vertex operator's settings, their defaults and their checks, read once per operation. */
final class VertexSettings {
  static final String PROJECT_ENV = "GOOGLE_CLOUD_PROJECT";
  static final String REGION_ENV = "GOOGLE_CLOUD_REGION";
  static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");

  static final List<ConfigOption> OPTIONS = List.of(
      ConfigOption.optional("project", null, "Google Cloud project id (default: $" + PROJECT_ENV + ")"),
      ConfigOption.optional("location", null, "Vertex AI region, e.g. us-central1 (default: $" + REGION_ENV
          + ", else us-central1)"),
      ConfigOption.required("image", "step image URI with the Sparkstep entrypoint, e.g. "
          + "us-docker.pkg.dev/PROJECT/REPO/sparkstep:0.1.0"),
      ConfigOption.required("stagingUri", "gs:// folder for run directories (the container's run record) and specs "
          + "too large for an environment variable, e.g. gs://BUCKET/sparkstep"),
      ConfigOption.optional("serviceAccount", null, "service account the job runs as (needs storage access to the "
          + "step's data and stagingUri)"),
      ConfigOption.optional("network", null, "VPC network to peer with, projects/NUMBER/global/networks/NAME"),
      ConfigOption.optional("machineType", null, "machine type for every run, instead of the table from "
          + "resources.cpu/memory/gpus (resources.instanceType still wins)"),
      ConfigOption.optional("acceleratorType", "NVIDIA_TESLA_T4", "Vertex accelerator type for resources.gpus, "
          + "e.g. NVIDIA_TESLA_T4, NVIDIA_L4, NVIDIA_TESLA_A100, NVIDIA_H100_80GB"),
      ConfigOption.optional("bootDiskType", "pd-ssd", "boot disk type: pd-ssd or pd-standard"),
      ConfigOption.optional("bootDiskGb", "100", "boot disk size when resources.diskGb is not set (100..65536)"),
      ConfigOption.optional("restartJobOnWorkerRestart", "false", "restart the job when its worker restarts"),
      ConfigOption.optional("command", null, "container command, space separated (default: the image's "
          + "ENTRYPOINT, which runs io.sparkstep.runtime.StepEntrypoint)"),
      ConfigOption.optional("specEnvMaxBytes", "32768", "largest spec passed as $SPARKSTEP_SPEC; larger ones are "
          + "uploaded under stagingUri and passed as $SPARKSTEP_SPEC_URI"),
      ConfigOption.optional("endpoint", null, "JobService endpoint host:port (default LOCATION-aiplatform.googleapis"
          + ".com:443)"),
      ConfigOption.optional("streamLogs", "true", "copy the container's Cloud Logging lines into the run's log"),
      ConfigOption.optional("loggingEndpoint", "logging.googleapis.com:443", "Cloud Logging endpoint host:port"),
      ConfigOption.optional("plaintext", "false", "true only for local stand-ins (both endpoints): no TLS, no credentials"),
      ConfigOption.optional("pollMillis", "10000", "how often status is read from Vertex"),
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
    project = config.get("project", System.getenv(PROJECT_ENV));
    location = config.get("location", System.getenv(REGION_ENV) == null ? "us-central1" : System.getenv(REGION_ENV));
    image = config.get("image");
    stagingUri = trimSlash(config.get("stagingUri"));
    serviceAccount = config.get("serviceAccount");
    network = config.get("network");
    machineType = config.get("machineType");
    acceleratorType = config.get("acceleratorType", "NVIDIA_TESLA_T4").trim();
    bootDiskType = config.get("bootDiskType", "pd-ssd");
    bootDiskGb = config.getInt("bootDiskGb", 100);
    restartJobOnWorkerRestart = config.getBoolean("restartJobOnWorkerRestart", false);
    command = config.get("command");
    specEnvMaxBytes = config.getInt("specEnvMaxBytes", 32768);
    endpoint = config.get("endpoint", location + "-aiplatform.googleapis.com:443");
    plaintext = config.getBoolean("plaintext", false);
    streamLogs = config.getBoolean("streamLogs", true);
    loggingEndpoint = config.get("loggingEndpoint", "logging.googleapis.com:443");
    pollMillis = config.getLong("pollMillis", 10000);
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
    if (s.stagingUri != null && !s.stagingUri.startsWith("gs://") && !s.stagingUri.startsWith("file:")) {
      problems.add(ValidationProblem.of("stagingUri", "'" + s.stagingUri + "' is not a gs:// URI",
          "use gs://BUCKET/PREFIX (file:/ only for tests against a local stand-in)"));
    }
    if (s.acceleratorOrNull() == null) {
      problems.add(ValidationProblem.of("acceleratorType", "unknown accelerator type '" + s.acceleratorType + "'",
          "use a Vertex AcceleratorType such as NVIDIA_TESLA_T4, NVIDIA_L4, NVIDIA_TESLA_A100"));
    }
    if (!s.bootDiskType.equals("pd-ssd") && !s.bootDiskType.equals("pd-standard")) {
      problems.add(ValidationProblem.of("bootDiskType", "unknown boot disk type '" + s.bootDiskType + "'",
          "use pd-ssd or pd-standard"));
    }
    if (s.bootDiskGb < 100 || s.bootDiskGb > 65536) {
      problems.add(ValidationProblem.of("bootDiskGb", "Vertex boot disks are 100..65536 GB, not " + s.bootDiskGb,
          "set bootDiskGb between 100 and 65536"));
    }
    if (s.specEnvMaxBytes < 0 || s.specEnvMaxBytes > 1024 * 1024) {
      problems.add(ValidationProblem.of("specEnvMaxBytes", "must be 0..1048576 bytes, not " + s.specEnvMaxBytes,
          "0 sends every spec by URI; the default is 32768"));
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

  /** The accelerator type as the API enum; the name was checked by {@link #check}. */
  AcceleratorType accelerator() {
    return acceleratorOrNull();
  }

  private AcceleratorType acceleratorOrNull() {
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
