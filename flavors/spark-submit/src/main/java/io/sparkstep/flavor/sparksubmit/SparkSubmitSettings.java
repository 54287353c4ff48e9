package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.SettingCheck;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The settings of a spark-submit operator, typed, with their one-line help and their checks. */
final class SparkSubmitSettings {
  static final ConfigOption MASTER = ConfigOption.required("master",
      "Spark master: spark://HOST:PORT[,HOST:PORT], yarn, or local[N]");
  static final ConfigOption DEPLOY_MODE = ConfigOption.optional("deployMode", "client", "client (driver in a child "
      + "process here) or cluster (driver on a worker, launched by the master)").checkedBy((key, value) ->
      List.of("client", "cluster").contains(value.toLowerCase(Locale.ROOT)) ? null
          : ValidationProblem.of(key, "unknown deploy mode '" + value + "'",
              "use client (driver runs here) or cluster (driver runs on a worker)"));
  static final ConfigOption SPARK_HOME = ConfigOption.optional("sparkHome", null, "a Spark installation; without "
      + "it, a Spark home assembled from the Spark jars of this Sparkstep build");
  static final ConfigOption MASTER_WEB_UI = ConfigOption.optional("masterWebUi", null, "standalone master web UI "
      + "(http://HOST:PORT), for driver status, logs, kill and resource checks; default http://MASTER_HOST:8080")
      .checkedBy(SparkSubmitSettings::webUiProblem);
  static final ConfigOption APPLICATION_JAR = ConfigOption.optional("applicationJar", null, "the jar spark-submit "
      + "runs (default: the Sparkstep engine jar); a fat jar with your steps works too");
  static final ConfigOption JARS = ConfigOption.ofList("jars",
      "comma-separated extra jars for driver and executors (your steps)");
  static final ConfigOption STAGING_URI = ConfigOption.optional("stagingUri", null, "Hadoop URI a cluster-mode "
      + "driver can read (hdfs://, s3a://, gs://, abfss://, or file: of a directory the workers share), where specs "
      + "too large for the driver's arguments are staged (under specs/, deleted when the attempt ends)");
  static final ConfigOption PACKAGES = ConfigOption.ofList("packages", "comma-separated Maven coordinates (--packages)");
  static final ConfigOption FILES = ConfigOption.ofList("files",
      "comma-separated files placed in each executor's working directory");
  /** Submission attempts (the user's key stays {@code maxAttempts}); not the spec's step retries. */
  static final ConfigOption SUBMIT_ATTEMPTS = ConfigOption.ofInt("maxAttempts", 1, "submission attempts: a driver that "
      + "never started (master unreachable, driver could not launch) is submitted again")
      .checkedBy(SettingCheck.atLeast(1));
  static final ConfigOption BACKOFF_MILLIS = ConfigOption.ofLong("backoffMillis", 2000,
      "wait before attempt N+1 is N times this").checkedBy(SettingCheck.atLeast(0));

  static final List<ConfigOption> OPTIONS = List.of(MASTER, DEPLOY_MODE, SPARK_HOME, MASTER_WEB_UI, APPLICATION_JAR,
      JARS, STAGING_URI, PACKAGES, FILES,
      ConfigOption.optional("proxyUser", null, "user to impersonate (--proxy-user)"),
      ConfigOption.optional("queue", null, "YARN queue (--queue); only for master=yarn"),
      ConfigOption.optional("principal", null, "Kerberos principal (--principal), with keytab"),
      ConfigOption.optional("keytab", null, "path of the Kerberos keytab (--keytab), with principal"),
      SUBMIT_ATTEMPTS, BACKOFF_MILLIS,
      ConfigOption.optional("conf.", null, "conf.spark.KEY=VALUE: Spark conf for every run of this operator"),
      ConfigOption.optional("env.", null, "env.NAME=VALUE: environment of the driver (and executors); "
          + "use ${VAR} for secrets"));

  enum MasterKind { STANDALONE, YARN, LOCAL, OTHER }

  private static final Pattern LOCAL = Pattern.compile("local(\\[(\\d+|\\*)(,\\d+)?\\])?");
  private static final Pattern STANDALONE_HOST = Pattern.compile("([^:/,]+):(\\d+)");

  private final OperatorConfig config;

  SparkSubmitSettings(OperatorConfig config) {
    this.config = config;
  }

  OperatorConfig config() {
    return config;
  }

  String master() {
    return config.get(MASTER);
  }

  String deployMode() {
    return config.get(DEPLOY_MODE).toLowerCase(Locale.ROOT);
  }

  boolean clusterMode() {
    return "cluster".equals(deployMode());
  }

  MasterKind masterKind() {
    return kindOf(master());
  }

  static MasterKind kindOf(String master) {
    if (master.startsWith("spark://")) {
      return MasterKind.STANDALONE;
    }
    if (master.equals("yarn")) {
      return MasterKind.YARN;
    }
    if (LOCAL.matcher(master).matches()) {
      return MasterKind.LOCAL;
    }
    return MasterKind.OTHER;
  }

  /** host:port pairs of a spark:// master URL (several for a master with standby masters). */
  List<String[]> standaloneHosts() {
    List<String[]> hosts = new ArrayList<>();
    for (String part : master().substring("spark://".length()).split(",")) {
      Matcher m = STANDALONE_HOST.matcher(part.trim());
      if (m.matches()) {
        hosts.add(new String[] {m.group(1), m.group(2)});
      }
    }
    return hosts;
  }

  String masterWebUi() {
    String ui = config.get(MASTER_WEB_UI);
    if (ui != null) {
      return ui.endsWith("/") ? ui.substring(0, ui.length() - 1) : ui;
    }
    List<String[]> hosts = standaloneHosts();
    return hosts.isEmpty() ? null : "http://" + hosts.get(0)[0] + ":8080";
  }

  String sparkHome() {
    return config.get(SPARK_HOME);
  }

  String applicationJar() {
    return config.get(APPLICATION_JAR);
  }

  String stagingUri() {
    return config.get(STAGING_URI);
  }

  /** The items of the list setting {@code key} (jars, packages, files). */
  List<String> list(String key) {
    return config.getList(OPTIONS.stream().filter(o -> o.key().equals(key)).findFirst().orElseThrow());
  }

  Map<String, String> conf() {
    return config.withPrefix("conf.");
  }

  Map<String, String> env() {
    return config.withPrefix("env.");
  }

  int submitAttempts() {
    return config.getInt(SUBMIT_ATTEMPTS);
  }

  long backoffMillis() {
    return config.getLong(BACKOFF_MILLIS);
  }

  private static ValidationProblem webUiProblem(String key, String ui) {
    try {
      URI uri = URI.create(ui);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return null;
      }
    } catch (IllegalArgumentException e) {
      // not a URI at all: the same refusal
    }
    return ValidationProblem.of(key, "'" + ui + "' is not an http(s) URL", "e.g. http://127.0.0.1:8080");
  }

  /**
   * The rules across settings (no platform contact), every problem at once; each value's own is its declaration's.
   */
  static List<ValidationProblem> validate(OperatorConfig config) {
    List<ValidationProblem> problems = new ArrayList<>();
    SparkSubmitSettings s = new SparkSubmitSettings(config);
    String master = s.master();
    MasterKind kind = kindOf(master);
    if (kind == MasterKind.OTHER) {
      String hint = master.startsWith("k8s://") ? "use the kubernetes flavor for Kubernetes"
          : "use spark://HOST:PORT (standalone; start one with: sparkstep cluster start), yarn, or local[N]";
      problems.add(ValidationProblem.of("master", "unsupported Spark master '" + master + "'", hint));
    }
    if (kind == MasterKind.STANDALONE && s.standaloneHosts().size()
        != master.substring("spark://".length()).split(",").length) {
      problems.add(ValidationProblem.of("master", "'" + master + "' is not a valid standalone master URL",
          "write it as spark://HOST:PORT, e.g. spark://127.0.0.1:7077"));
    }
    if (s.clusterMode() && kind == MasterKind.LOCAL) {
      problems.add(ValidationProblem.of("deployMode", "cluster deploy mode needs a cluster, master is " + master,
          "use deployMode=client with a local master, or a spark:// or yarn master"));
    }
    config.raw().keySet().stream().filter(k -> k.startsWith("conf.") && !k.startsWith("conf.spark."))
        .forEach(k -> problems.add(ValidationProblem.of(k, "is not a Spark conf key",
            "Spark conf keys start with spark., e.g. conf.spark.executor.memory=2g")));
    for (String managed : List.of("conf.spark.master", "conf.spark.submit.deployMode")) {
      if (config.raw().containsKey(managed)) {
        problems.add(ValidationProblem.of(managed, "is set by the operator itself",
            "use the " + (managed.endsWith("master") ? "master" : "deployMode") + " setting"));
      }
    }
    if (config.raw().containsKey("queue") && kind != MasterKind.YARN) {
      problems.add(ValidationProblem.of("queue", "queues exist only on YARN; master is " + master,
          "drop queue, or use master=yarn"));
    }
    boolean principal = config.raw().containsKey("principal");
    boolean keytab = config.raw().containsKey("keytab");
    if (principal != keytab) {
      problems.add(ValidationProblem.of(principal ? "keytab" : "principal", "principal and keytab go together",
          "set both --set principal=USER@REALM --set keytab=/path/user.keytab"));
    }
    return problems;
  }
}
