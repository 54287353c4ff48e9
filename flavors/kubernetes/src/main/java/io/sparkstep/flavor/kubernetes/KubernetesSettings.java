package io.sparkstep.flavor.kubernetes;

import io.sparkstep.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.util.Redactor;
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

  public static final List<ConfigOption> OPTIONS = List.of(
      ConfigOption.required("image", "container image of driver and executors (a docker/Dockerfile build)"),
      ConfigOption.optional("gpuImage", null, "image for steps that ask for GPUs (a docker/Dockerfile.gpu build: "
          + "CUDA, RAPIDS, GPU discovery script); a GPU step on an operator without it is refused"),
      ConfigOption.optional("imagePullPolicy", "IfNotPresent", "Always, IfNotPresent or Never"),
      ConfigOption.secretReference("imagePullSecrets", "comma-separated names of docker-registry Secrets"),
      ConfigOption.optional("apiServer", null, "API server URL (https://HOST:PORT); default: the kubeconfig "
          + "context's cluster"),
      ConfigOption.optional("kubeconfig", null, "kubeconfig file; default $KUBECONFIG or ~/.kube/config"),
      ConfigOption.optional("context", null, "kubeconfig context; default the current context"),
      ConfigOption.optional("namespace", "default", "namespace of driver and executor pods"),
      ConfigOption.optional("serviceAccount", "default", "service account of the driver pod (it creates the "
          + "executor pods, so it needs pod create/delete rights in the namespace)"),
      ConfigOption.optional("driverPodTemplate", null, "YAML pod template file merged into the driver pod"),
      ConfigOption.optional("executorPodTemplate", null, "YAML pod template file merged into executor pods; "
          + "default for GPU steps: spark-conf/pod-templates/executor-gpu.yaml"),
      ConfigOption.optional("nodeSelector.", null, "nodeSelector.LABEL=VALUE for driver and executor pods"),
      ConfigOption.optional("gpuNodeSelector.", null, "gpuNodeSelector.LABEL=VALUE for executors of GPU steps"),
      ConfigOption.optional("tolerations", null, "comma-separated KEY[=VALUE]:EFFECT for driver and executors, "
          + "e.g. dedicated=spark:NoSchedule"),
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
      ConfigOption.optional("executors", "2", "executors of a step that asks for no count"),
      ConfigOption.optional("gpuVendor", "nvidia.com", "GPU vendor domain: the executor pods ask for VENDOR/gpu"),
      ConfigOption.optional("discoveryScript", IMAGE_DISCOVERY_SCRIPT, "GPU discovery script inside the image"),
      ConfigOption.optional("engineJar", IMAGE_ENGINE_JAR, "the Sparkstep engine jar inside the image "
          + "(local://...)"),
      ConfigOption.optional("jars", null, "comma-separated jars with your steps: local:// (in the image), "
          + "or hdfs/s3a/gs/https URIs; file paths need uploadPath"),
      ConfigOption.optional("uploadPath", null, "Hadoop URI where local jars are uploaded for the pods "
          + "(spark.kubernetes.file.upload.path), and specs too large for the driver pod's arguments (under specs/, "
          + "deleted at cleanup)"),
      ConfigOption.optional("ttlSecondsAfterFinished", "0", "seconds a finished driver pod (and what it owns: "
          + "executors, config maps, service) is kept after its log is saved; -1 keeps it"),
      ConfigOption.optional("submissionTimeoutSeconds", "60", "how long submission may take before it fails"),
      ConfigOption.optional("pendingTimeoutSeconds", "600", "how long the driver or an executor pod may stay "
          + "unschedulable (no node fits it, e.g. Insufficient nvidia.com/gpu) before the run FAILS with the "
          + "scheduler's reason; 0 waits for ever"),
      ConfigOption.optional("conf.", null, "conf.spark.KEY=VALUE: Spark conf for every run of this operator"));

  /** DNS-1123 label: what Kubernetes accepts as a namespace name. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
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
    return config.get("image");
  }

  public String gpuImage() {
    return blankToNull(config.get("gpuImage"));
  }

  public String imagePullPolicy() {
    return config.get("imagePullPolicy", "IfNotPresent");
  }

  public List<String> imagePullSecrets() {
    return list("imagePullSecrets");
  }

  public String apiServer() {
    return blankToNull(config.get("apiServer"));
  }

  public String kubeconfig() {
    return blankToNull(config.get("kubeconfig"));
  }

  public String context() {
    return blankToNull(config.get("context"));
  }

  public String namespace() {
    return config.get("namespace", "default");
  }

  public String serviceAccount() {
    return config.get("serviceAccount", "default");
  }

  public String driverPodTemplate() {
    return blankToNull(config.get("driverPodTemplate"));
  }

  public String executorPodTemplate() {
    return blankToNull(config.get("executorPodTemplate"));
  }

  public Map<String, String> nodeSelector() {
    return config.withPrefix("nodeSelector.");
  }

  public Map<String, String> gpuNodeSelector() {
    return config.withPrefix("gpuNodeSelector.");
  }

  public List<String> tolerations() {
    return list("tolerations");
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
    return config.getInt("executors", 2);
  }

  /** The vendor as configured; blank when a user cleared it (a GPU step then is refused). */
  public String gpuVendor() {
    String raw = config.raw().get("gpuVendor");
    return raw != null ? raw.trim() : "nvidia.com";
  }

  public String discoveryScript() {
    return config.get("discoveryScript", IMAGE_DISCOVERY_SCRIPT);
  }

  public String engineJar() {
    return config.get("engineJar", IMAGE_ENGINE_JAR);
  }

  public List<String> jars() {
    return list("jars");
  }

  public String uploadPath() {
    return blankToNull(config.get("uploadPath"));
  }

  public long ttlSecondsAfterFinished() {
    return config.getLong("ttlSecondsAfterFinished", 0);
  }

  public long submissionTimeoutSeconds() {
    return config.getLong("submissionTimeoutSeconds", 60);
  }

  public long pendingTimeoutSeconds() {
    return config.getLong("pendingTimeoutSeconds", 600);
  }

  public Map<String, String> conf() {
    return config.withPrefix("conf.");
  }

  private List<String> list(String key) {
    String value = config.get(key);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  public static boolean isDnsLabel(String name) {
    return name != null && name.length() <= 63 && DNS_LABEL.matcher(name).matches();
  }

  /** Keys of a Secret's data, as the API server allows them. */
  static final java.util.regex.Pattern SECRET_DATA_KEY = java.util.regex.Pattern.compile("[-._a-zA-Z0-9]{1,253}");

  public static boolean isDnsSubdomain(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /**
   * Checks of the settings alone, every problem at once. Files (kubeconfig, pod templates) are read here, since a
   * broken one should be found when the operator is registered, not at the first run.
   */
  public static List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    KubernetesSettings s = new KubernetesSettings(config);
    String namespace = s.namespace();
    if (!isDnsLabel(namespace)) {
      problems.add(ValidationProblem.of("namespace", "'" + namespace + "' is not a valid namespace name",
          "use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 "
              + "characters, e.g. spark-jobs"));
    }
    if (!isDnsSubdomain(s.serviceAccount())) {
      problems.add(ValidationProblem.of("serviceAccount", "'" + s.serviceAccount() + "' is not a valid service "
          + "account name", "use lower-case letters, digits, '-' and '.', e.g. spark"));
    }
    if (!PULL_POLICIES.contains(s.imagePullPolicy())) {
      problems.add(ValidationProblem.of("imagePullPolicy", "unknown pull policy '" + s.imagePullPolicy() + "'",
          "use one of " + String.join(", ", PULL_POLICIES)));
    }
    for (String secret : s.imagePullSecrets()) {
      if (!isDnsSubdomain(secret)) {
        problems.add(ValidationProblem.of("imagePullSecrets", "'" + secret + "' is not a valid Secret name",
            "list Secret names, e.g. imagePullSecrets=regcred"));
      }
    }
    String image = s.image();
    if (image != null && (image.isBlank() || image.chars().anyMatch(Character::isWhitespace))) {
      problems.add(ValidationProblem.of("image", "'" + image + "' is not an image reference",
          "e.g. registry.example.com/sparkstep:0.1.0 (build one with docker/build.sh)"));
    }
    String apiServer = s.apiServer();
    if (apiServer != null && !KubeAccess.masterUrl(apiServer).matches("k8s://https?://[^/\\s]+.*")) {
      problems.add(ValidationProblem.of("apiServer", "'" + apiServer + "' is not an API server URL",
          "e.g. https://203.0.113.10:6443 (or k8s://https://...)"));
    }
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
    for (String key : List.of("executors", "ttlSecondsAfterFinished", "submissionTimeoutSeconds")) {
      try {
        long value = config.getLong(key, 0);
        long min = key.equals("ttlSecondsAfterFinished") ? -1 : key.equals("executors") ? 0 : 1;
        if (value < min) {
          problems.add(ValidationProblem.of(key, "must be at least " + min, "e.g. --set " + key + "=2"));
        }
      } catch (NumberFormatException e) {
        problems.add(ValidationProblem.of(key, "'" + config.get(key) + "' is not a whole number",
            "e.g. --set " + key + "=2"));
      }
    }
    String vendor = s.gpuVendor();
    if (!vendor.isEmpty() && !isDnsSubdomain(vendor)) {
      problems.add(ValidationProblem.of("gpuVendor", "'" + vendor + "' is not a vendor domain",
          "e.g. nvidia.com or amd.com: pods ask for VENDOR/gpu"));
    }
    if (!s.engineJar().startsWith("local://") && !s.engineJar().contains("://")) {
      problems.add(ValidationProblem.of("engineJar", "'" + s.engineJar() + "' is not a URI the pods can read",
          "use local:///path/in/image.jar or an hdfs/s3a/https URI"));
    }
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
