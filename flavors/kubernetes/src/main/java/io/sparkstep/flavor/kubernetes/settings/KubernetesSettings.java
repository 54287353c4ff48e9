package io.sparkstep.flavor.kubernetes.settings;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.SettingCheck;
import io.sparkstep.spi.util.Redactor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The settings of a kubernetes operator, typed, with their one-line help and the checks that need no cluster.
 * Secrets are only ever referenced by Kubernetes Secret name ({@code secretEnv.}, {@code secretVolume.}): the
 * operator file, the spec and the pods hold names, never values.
 */
public final class KubernetesSettings {
  /** Where the Sparkstep images (docker/) keep the engine jar and the GPU discovery script. */
  public static final String IMAGE_ENGINE_JAR = "local:///opt/sparkstep/jars/sparkstep-engine.jar";
  public static final String IMAGE_DISCOVERY_SCRIPT = "/opt/sparkstep/bin/getGpusResources.sh";

  /** DNS-1123 label: what Kubernetes accepts as a namespace name. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  static final ConfigOption IMAGE = ConfigOption.required("image",
      "container image of driver and executors (a docker/Dockerfile build)").checkedBy((key, image) ->
      image.chars().noneMatch(Character::isWhitespace) ? null : ValidationProblem.of(key, "'" + image
          + "' is not an image reference", "e.g. registry.example.com/sparkstep:0.1.0 (build one with docker/build.sh)"));
  static final ConfigOption GPU_IMAGE = ConfigOption.optional("gpuImage", null, "image for steps that ask for GPUs "
      + "(a docker/Dockerfile.gpu build: CUDA, RAPIDS, GPU discovery script); a GPU step on an operator without it "
      + "is refused");
  static final ConfigOption IMAGE_PULL_POLICY = ConfigOption.optional("imagePullPolicy", "IfNotPresent",
      "Always, IfNotPresent or Never").oneOf("pull policy", "Always", "IfNotPresent", "Never");
  static final ConfigOption IMAGE_PULL_SECRETS = ConfigOption.secretReference("imagePullSecrets",
      "comma-separated names of docker-registry Secrets").asList().checkedBy((key, names) -> Arrays.stream(
          names.split(",")).map(String::trim).filter(n -> !n.isEmpty() && !isDnsSubdomain(n)).findFirst()
      .map(n -> ValidationProblem.of(key, "'" + n + "' is not a valid Secret name",
          "list Secret names, e.g. imagePullSecrets=regcred")).orElse(null));
  static final ConfigOption API_SERVER = ConfigOption.optional("apiServer", null, "API server URL "
      + "(https://HOST:PORT); default: the kubeconfig context's cluster").checkedBy((key, url) ->
      KubeAccess.masterUrl(url).matches("k8s://https?://[^/\\s]+.*") ? null : ValidationProblem.of(key,
          "'" + url + "' is not an API server URL", "e.g. https://203.0.113.10:6443 (or k8s://https://...)"));
  static final ConfigOption KUBECONFIG = ConfigOption.optional("kubeconfig", null,
      "kubeconfig file; default $KUBECONFIG or ~/.kube/config");
  static final ConfigOption CONTEXT = ConfigOption.optional("context", null,
      "kubeconfig context; default the current context");
  static final ConfigOption NAMESPACE = ConfigOption.optional("namespace", "default",
      "namespace of driver and executor pods").checkedBy((key, name) -> isDnsLabel(name) ? null
      : ValidationProblem.of(key, "'" + name + "' is not a valid namespace name", "use lower-case letters, digits "
          + "and '-', starting and ending with a letter or digit, at most 63 characters, e.g. spark-jobs"));
  static final ConfigOption SERVICE_ACCOUNT = ConfigOption.optional("serviceAccount", "default", "service account "
      + "of the driver pod (it creates the executor pods, so it needs pod create/delete rights in the namespace)")
      .checkedBy((key, name) -> isDnsSubdomain(name) ? null : ValidationProblem.of(key, "'" + name
          + "' is not a valid service account name", "use lower-case letters, digits, '-' and '.', e.g. spark"));
  static final ConfigOption DRIVER_POD_TEMPLATE = ConfigOption.optional("driverPodTemplate", null,
      "YAML pod template file merged into the driver pod");
  static final ConfigOption EXECUTOR_POD_TEMPLATE = ConfigOption.optional("executorPodTemplate", null,
      "YAML pod template file merged into executor pods; default for GPU steps: "
          + "spark-conf/pod-templates/executor-gpu.yaml");
  static final ConfigOption TOLERATIONS = ConfigOption.ofList("tolerations", "comma-separated KEY[=VALUE]:EFFECT "
      + "for driver and executors, e.g. dedicated=spark:NoSchedule");
  static final ConfigOption EXECUTORS = ConfigOption.ofInt("executors", 2, "executors of a step that asks for no "
      + "count").checkedBy(SettingCheck.atLeast(0));
  /** Read as given ({@link #gpuVendor}): a blank value clears it, which refuses GPU steps. */
  static final ConfigOption GPU_VENDOR = ConfigOption.optional("gpuVendor", "nvidia.com",
      "GPU vendor domain: the executor pods ask for VENDOR/gpu").checkedBy((key, vendor) -> isDnsSubdomain(vendor)
      ? null : ValidationProblem.of(key, "'" + vendor + "' is not a vendor domain",
          "e.g. nvidia.com or amd.com: pods ask for VENDOR/gpu"));
  static final ConfigOption DISCOVERY_SCRIPT = ConfigOption.optional("discoveryScript", IMAGE_DISCOVERY_SCRIPT,
      "GPU discovery script inside the image");
  static final ConfigOption ENGINE_JAR = ConfigOption.optional("engineJar", IMAGE_ENGINE_JAR,
      "the Sparkstep engine jar inside the image (local://...)").checkedBy((key, jar) -> jar.contains("://") ? null
      : ValidationProblem.of(key, "'" + jar + "' is not a URI the pods can read",
          "use local:///path/in/image.jar or an hdfs/s3a/https URI"));
  static final ConfigOption JARS = ConfigOption.ofList("jars", "comma-separated jars with your steps: local:// (in "
      + "the image), or hdfs/s3a/gs/https URIs; file paths need uploadPath");
  static final ConfigOption UPLOAD_PATH = ConfigOption.optional("uploadPath", null,
      "Hadoop URI where local jars are uploaded for the pods (spark.kubernetes.file.upload.path), and specs too "
      + "large for the driver pod's arguments (under specs/, deleted at cleanup)");
  static final ConfigOption TTL_SECONDS_AFTER_FINISHED = ConfigOption.ofLong("ttlSecondsAfterFinished", 0,
      "seconds a finished driver pod (and what it owns: executors, config maps, service) is kept after its log is "
          + "saved; -1 keeps it").checkedBy(SettingCheck.atLeast(-1));
  static final ConfigOption SUBMISSION_TIMEOUT_SECONDS = ConfigOption.ofLong("submissionTimeoutSeconds", 60,
      "how long submission may take before it fails").checkedBy(SettingCheck.atLeast(1));
  static final ConfigOption PENDING_TIMEOUT_SECONDS = ConfigOption.ofLong("pendingTimeoutSeconds", 600,
      "how long the driver or an executor pod may stay unschedulable (no node fits it, e.g. Insufficient "
          + "nvidia.com/gpu) before the run FAILS with the scheduler's reason; 0 waits for ever")
      .checkedBy(SettingCheck.atLeast(0));

  public static final List<ConfigOption> OPTIONS = List.of(IMAGE, GPU_IMAGE, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS,
      API_SERVER, KUBECONFIG, CONTEXT, NAMESPACE, SERVICE_ACCOUNT, DRIVER_POD_TEMPLATE, EXECUTOR_POD_TEMPLATE,
      ConfigOption.optional("nodeSelector.", null, "nodeSelector.LABEL=VALUE for driver and executor pods"),
      ConfigOption.optional("gpuNodeSelector.", null, "gpuNodeSelector.LABEL=VALUE for executors of GPU steps"),
      TOLERATIONS,
      ConfigOption.optional("label.", null, "label.KEY=VALUE on driver and executor pods"),
      ConfigOption.optional("annotation.", null, "annotation.KEY=VALUE on driver and executor pods"),
      ConfigOption.optional("env.", null, "env.NAME=VALUE in driver and executors (not for secrets: see "
          + "secretEnv.)"),
      ConfigOption.secretReference("secretEnv.", "secretEnv.NAME=SECRET:KEY: env NAME from key KEY of Kubernetes "
          + "Secret SECRET, in driver and executors (by reference; the value never leaves the cluster)"),
      ConfigOption.secretReference("secretVolume.", "secretVolume.SECRET=/mount/path: mount Kubernetes Secret "
          + "SECRET in driver and executors"),
      ConfigOption.optional("volume.", null, "volume.NAME=TYPE:/mount/path[:OPTION=VALUE;...] with TYPE "
          + "persistentVolumeClaim (claimName=...), hostPath (path=...), emptyDir or nfs (server=...;path=...); "
          + "readOnly=true mounts it read-only"),
      EXECUTORS, GPU_VENDOR, DISCOVERY_SCRIPT, ENGINE_JAR, JARS, UPLOAD_PATH, TTL_SECONDS_AFTER_FINISHED,
      SUBMISSION_TIMEOUT_SECONDS, PENDING_TIMEOUT_SECONDS,
      ConfigOption.optional("conf.", null, "conf.spark.KEY=VALUE: Spark conf for every run of this operator"));

  /** Keys the operator sets itself from its settings; a conf. override would silently fight them. */
  public static final Map<String, String> MANAGED_CONF = Map.of(
      "spark.master", "apiServer",
      "spark.submit.deployMode", "(always cluster)",
      "spark.kubernetes.namespace", "namespace",
      "spark.kubernetes.container.image", "image",
      "spark.kubernetes.context", "context",
      "spark.kubernetes.driver.pod.name", "(set per run)",
      "spark.kubernetes.authenticate.driver.serviceAccountName", "serviceAccount");

  private final OperatorConfig config;

  public KubernetesSettings(OperatorConfig config) {
    this.config = config;
  }

  public OperatorConfig config() {
    return config;
  }

  public String image() {
    return config.get(IMAGE);
  }

  public String gpuImage() {
    return config.get(GPU_IMAGE);
  }

  public String imagePullPolicy() {
    return config.get(IMAGE_PULL_POLICY);
  }

  public List<String> imagePullSecrets() {
    return config.getList(IMAGE_PULL_SECRETS);
  }

  public String apiServer() {
    return config.get(API_SERVER);
  }

  public String kubeconfig() {
    return config.get(KUBECONFIG);
  }

  public String context() {
    return config.get(CONTEXT);
  }

  public String namespace() {
    return config.get(NAMESPACE);
  }

  public String serviceAccount() {
    return config.get(SERVICE_ACCOUNT);
  }

  public String driverPodTemplate() {
    return config.get(DRIVER_POD_TEMPLATE);
  }

  public String executorPodTemplate() {
    return config.get(EXECUTOR_POD_TEMPLATE);
  }

  public Map<String, String> nodeSelector() {
    return config.withPrefix("nodeSelector.");
  }

  public Map<String, String> gpuNodeSelector() {
    return config.withPrefix("gpuNodeSelector.");
  }

  public List<String> tolerations() {
    return config.getList(TOLERATIONS);
  }

  public Map<String, String> labels() {
    return config.withPrefix("label.");
  }

  public Map<String, String> annotations() {
    return config.withPrefix("annotation.");
  }

  public Map<String, String> env() {
    return config.withPrefix("env.");
  }

  public Map<String, String> secretEnv() {
    return config.withPrefix("secretEnv.");
  }

  public Map<String, String> secretVolumes() {
    return config.withPrefix("secretVolume.");
  }

  public Map<String, String> volumes() {
    return config.withPrefix("volume.");
  }

  public int executors() {
    return config.getInt(EXECUTORS);
  }

  /** The vendor as configured; blank when a user cleared it (a GPU step then is refused). */
  public String gpuVendor() {
    String raw = config.raw().get(GPU_VENDOR.key());
    return raw != null ? raw.trim() : GPU_VENDOR.defaultValue();
  }

  public String discoveryScript() {
    return config.get(DISCOVERY_SCRIPT);
  }

  public String engineJar() {
    return config.get(ENGINE_JAR);
  }

  public List<String> jars() {
    return config.getList(JARS);
  }

  public String uploadPath() {
    return config.get(UPLOAD_PATH);
  }

  public long ttlSecondsAfterFinished() {
    return config.getLong(TTL_SECONDS_AFTER_FINISHED);
  }

  public long submissionTimeoutSeconds() {
    return config.getLong(SUBMISSION_TIMEOUT_SECONDS);
  }

  public long pendingTimeoutSeconds() {
    return config.getLong(PENDING_TIMEOUT_SECONDS);
  }

  public Map<String, String> conf() {
    return config.withPrefix("conf.");
  }

  public static boolean isDnsLabel(String name) {
    return name != null && name.length() <= 63 && DNS_LABEL.matcher(name).matches();
  }

  /** Keys of a Secret's data, as the API server allows them. */
  public static final java.util.regex.Pattern SECRET_DATA_KEY = java.util.regex.Pattern.compile("[-._a-zA-Z0-9]{1,253}");

  public static boolean isDnsSubdomain(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /**
   * Checks of the settings alone beyond each value's declaration (the registry's), every problem at once. Files (kubeconfig, pod templates) are read here, since a
   * broken one should be found when the operator is registered, not at the first run.
   */
  public static List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    KubernetesSettings s = new KubernetesSettings(config);
    problems.addAll(KubeAccess.problems(s));
    problems.addAll(PodTemplates.problems(s));
    problems.addAll(ScheduleParsing.tolerationProblems(s.tolerations()));
    s.env().keySet().forEach(name -> {
      if (!ENV_NAME.matcher(name).matches()) {
        problems.add(ValidationProblem.of("env." + name, "is not a valid environment variable name",
            "use letters, digits and '_', not starting with a digit"));
      } else if (Redactor.isSecretKey(name)) {
        problems.add(ValidationProblem.of("env." + name, "looks like a secret: its value would be written into "
            + "the pod spec", "store it in a Kubernetes Secret and use secretEnv." + name + "=SECRET:KEY"));
      }
    });
    s.secretEnv().forEach((name, ref) -> {
      if (!ENV_NAME.matcher(name).matches()) {
        problems.add(ValidationProblem.of("secretEnv." + name, "is not a valid environment variable name",
            "use letters, digits and '_'"));
      }
      String[] parts = ref == null ? new String[0] : ref.split(":", -1);
      if (parts.length != 2 || !isDnsSubdomain(parts[0]) || !SECRET_DATA_KEY.matcher(parts[1]).matches()) {
        problems.add(ValidationProblem.of("secretEnv." + name, "'" + ref + "' is not SECRET:KEY",
            "name a Kubernetes Secret and a key in it, e.g. secretEnv." + name + "=db-credentials:password"));
      }
    });
    s.secretVolumes().forEach((secret, path) -> {
      if (!isDnsSubdomain(secret)) {
        problems.add(ValidationProblem.of("secretVolume." + secret, "'" + secret + "' is not a valid Secret name",
            "use the Secret's name, e.g. secretVolume.gcp-key=/etc/secrets/gcp"));
      }
      if (path == null || !path.startsWith("/")) {
        problems.add(ValidationProblem.of("secretVolume." + secret, "mount path '" + path + "' is not absolute",
            "e.g. secretVolume." + secret + "=/etc/secrets/" + secret));
      }
    });
    s.volumes().forEach((name, value) -> problems.addAll(VolumeSpec.problems(name, value)));
    problems.addAll(ScheduleParsing.labelProblems("label.", s.labels()));
    problems.addAll(ScheduleParsing.annotationProblems("annotation.", s.annotations()));
    problems.addAll(ScheduleParsing.labelProblems("nodeSelector.", s.nodeSelector()));
    problems.addAll(ScheduleParsing.labelProblems("gpuNodeSelector.", s.gpuNodeSelector()));
    for (String jar : s.jars()) {
      if (!jar.contains("://") && s.uploadPath() == null) {
        problems.add(ValidationProblem.of("jars", "'" + jar + "' is a file on this machine; pods cannot read it",
            "put it into the image and write local:///path.jar, or set uploadPath=s3a://bucket/path so Spark "
                + "uploads it"));
      }
    }
    config.raw().keySet().stream().filter(k -> k.startsWith("conf.") && !k.startsWith("conf.spark."))
        .forEach(k -> problems.add(ValidationProblem.of(k, "is not a Spark conf key",
            "Spark conf keys start with spark., e.g. conf.spark.executor.memory=2g")));
    config.raw().keySet().stream().filter(k -> k.startsWith("conf.") && Redactor.isSecretKey(k))
        .forEach(k -> problems.add(ValidationProblem.of(k, "looks like a secret: its value would be written into "
            + "the driver's config map", "keep it in a Kubernetes Secret and use secretEnv.NAME=SECRET:KEY (e.g. "
            + "AWS_SECRET_ACCESS_KEY) or secretVolume.SECRET=/path")));
    MANAGED_CONF.forEach((key, setting) -> {
      if (config.raw().containsKey("conf." + key)) {
        problems.add(ValidationProblem.of("conf." + key, "is set by the operator itself",
            setting.startsWith("(") ? "drop it " + setting : "use the " + setting + " setting"));
      }
    });
    return problems;
  }
}
