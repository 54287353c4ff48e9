package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.TableFormatJars;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.RunSecrets;
import io.sparkstep.spi.remote.SpecChannel;
import io.sparkstep.spi.remote.SparkHadoopConf;
import io.sparkstep.spi.remote.SpecStaging;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * Everything one run's spark-submit needs, and the call itself through {@link SparkLauncher} (never a shell string).
 *
 * <p>The spec reaches the driver through the SPI's {@link SpecChannel}: inline, as arguments each under the OS limit
 * for one argument, which works the same in client and cluster mode and needs no file system shared with the
 * driver's worker (a standalone cluster does not ship {@code --files} to a cluster-mode driver). Specs hold no secrets
 * ({@code ${VAR}} references are resolved in the driver), so arguments that show in {@code ps} and the master UI are
 * acceptable. Past the inline limit, a client-mode driver (on this machine) reads a private copy in the attempt's
 * directory, and a cluster-mode driver (on a worker) a copy staged under the operator's {@code stagingUri}
 * ({@link SpecStaging}); a cluster-mode operator without one refuses such a spec up front.
 */
final class SparkSubmitLaunch {
  /** All spec arguments together: well under the 2 MiB Linux allows for a whole command line and environment. */
  static final SpecChannel SPEC_CHANNEL = new SpecChannel(1024 * 1024);
  /** Serializes starts so the new child process can be told apart from others started at the same moment. */
  private static final Object START_LOCK = new Object();

  private final SparkSubmitSettings settings;
  private final StepSpec spec;
  private final SparkDistribution spark;
  private final Path applicationJar;
  private final AcceleratorPlan accelerator;
  private final StandaloneMaster master;
  /** {@code run --detach}: a plain process the submitter does not follow, instead of a launcher handle. */
  private final boolean detached;
  private Set<Long> childrenBefore = Set.of();

  SparkSubmitLaunch(SparkSubmitSettings settings, StepSpec spec, SparkDistribution spark, Path applicationJar,
      AcceleratorPlan accelerator) {
    this(settings, spec, spark, applicationJar, accelerator, false);
  }

  SparkSubmitLaunch(SparkSubmitSettings settings, StepSpec spec, SparkDistribution spark, Path applicationJar,
      AcceleratorPlan accelerator, boolean detached) {
    this.detached = detached;
    this.settings = settings;
    this.spec = spec;
    this.spark = spark;
    this.applicationJar = applicationJar;
    this.accelerator = accelerator;
    String ui = settings.masterWebUi();
    this.master = ui == null ? null : new StandaloneMaster(ui);
  }

  SparkSubmitSettings settings() {
    return settings;
  }

  StepSpec spec() {
    return spec;
  }

  Path applicationJar() {
    return applicationJar;
  }

  StandaloneMaster master() {
    return master;
  }

  /** Spark conf of the application: operator conf, accelerator, the step's conf, then its resources. */
  Map<String, String> sparkConf() {
    Map<String, String> conf = new LinkedHashMap<>(settings.conf());
    conf.putAll(accelerator.sparkConf());
    conf.putAll(spec.sparkConf);
    conf.putAll(ResourceConf.conf(spec.resources, settings));
    conf.put("spark.app.name", "sparkstep:" + shortName(spec.step) + ":" + spec.runId);
    return conf;
  }

  /**
   * The spec the driver runs: the run's, writing its record into this attempt's directory, with no secret value in
   * it. Literal secrets of the spec's conf, the application conf that must stay off the command line
   * ({@link #keptOffCommandLine}), and the executors' share of such environment settings
   * ({@link #executorEnvKeptOffCommandLine}) become {@code ${SPARK_SPARKSTEP_SECRET_n}} references that the
   * entrypoint resolves; their values go into {@code secretEnv}, the spark-submit child's environment.
   */
  StepSpec driverSpec(Path attemptDir, Map<String, String> secretEnv) {
    StepSpec driverSpec = spec.copy();
    driverSpec.runDir = attemptDir.toUri().toString();
    driverSpec.sparkConf = RunSecrets.externalize(driverSpec.sparkConf, secretEnv);
    Map<String, String> hidden = new LinkedHashMap<>();
    sparkConf().forEach((key, value) -> {
      if (keptOffCommandLine(key, value) && !driverSpec.sparkConf.containsKey(key)) {
        hidden.put(key, value);
      }
    });
    // the driver's SparkConf hands them to the executors, as spark.executorEnv would from the command line
    executorEnvKeptOffCommandLine().forEach((name, value) ->
        hidden.putIfAbsent("spark.executorEnv." + name, value));
    hidden.forEach((key, value) -> driverSpec.sparkConf.put(key, RunSecrets.reference(value, secretEnv)));
    return driverSpec;
  }

  /**
   * Whether a conf entry must not be put on spark-submit's command line: a secret, or an operator setting whose
   * value a {@code ${VAR}} reference resolved here (whatever its key: the variable's value is the user's to hide).
   */
  private boolean keptOffCommandLine(String key, String value) {
    return isSecret(key, value) || !spec.sparkConf.containsKey(key) && resolvedFromReference("conf." + key);
  }

  /** The {@code env.*} settings that must not become {@code --conf spark.executorEnv.*} arguments. */
  private Map<String, String> executorEnvKeptOffCommandLine() {
    Map<String, String> hidden = new LinkedHashMap<>();
    List<String> secretValues = settings.config().secretValues();
    settings.env().forEach((name, value) -> {
      if (value != null && (Redactor.isSecretKey(name) || secretValues.contains(value) || isSecret(name, value)
          || resolvedFromReference("env." + name))) {
        hidden.put(name, value);
      }
    });
    return hidden;
  }

  private boolean resolvedFromReference(String setting) {
    String raw = settings.config().raw().get(setting);
    return raw != null && EnvInterpolation.references(raw);
  }

  /** Whether a conf value is secret: under a secret-looking key, or holding a registered secret. */
  private static boolean isSecret(String key, String value) {
    return value != null && !EnvInterpolation.references(value) && (Redactor.isSecretKey(key)
        || Redactor.registered().stream().anyMatch(value::contains));
  }

  /**
   * Where a cluster-mode attempt's spec is staged when it is too large for its arguments: one copy per attempt, as
   * each attempt's spec names its own run directory.
   */
  String stagedSpecLocation(Path attemptDir) {
    return SpecStaging.location(settings.stagingUri(), spec.runId + "-" + attemptDir.getFileName());
  }

  /** The Hadoop conf of the staging location: the operator's {@code conf.spark.hadoop.*}. */
  org.apache.hadoop.conf.Configuration stagingConf() {
    return SparkHadoopConf.of(settings.conf());
  }

  /**
   * The spec inline while it fits the channel's limit, else by URI: in cluster mode of the copy staged for the
   * driver on a worker, in client mode of a file of this machine's run directory that only the owner can read.
   */
  List<String> specArguments(Path attemptDir, String json) throws IOException {
    if (settings.clusterMode()) {
      return SPEC_CHANNEL.arguments(json, staged -> SpecStaging.write(stagedSpecLocation(attemptDir), staged,
          stagingConf()));
    }
    return SPEC_CHANNEL.arguments(json, local -> privateCopy(attemptDir, local));
  }

  private static String privateCopy(Path attemptDir, String json) throws IOException {
    java.nio.file.Files.createDirectories(attemptDir);
    Path file = attemptDir.resolve("driver-spec.json");
    java.nio.file.Files.deleteIfExists(file);
    java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    java.nio.file.Files.writeString(file, json);
    return file.toUri().toString();
  }

  Started start(Path attemptDir, Path logFile, SparkAppHandle.Listener listener) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(settings.env());
    env.putAll(spark.environment());
    Map<String, String> secretEnv = new LinkedHashMap<>();
    String driverSpecJson = StepSpecJson.write(driverSpec(attemptDir, secretEnv));
    env.putAll(secretEnv);
    List<String> specArguments = specArguments(attemptDir, driverSpecJson);
    String stagedSpec = settings.clusterMode() && !SPEC_CHANNEL.fitsInline(driverSpecJson)
        ? stagedSpecLocation(attemptDir) : null;
    try {
      return start(env, specArguments, logFile, listener, stagedSpec);
    } catch (IOException | RuntimeException e) {
      if (stagedSpec != null) {
        // no driver will read it: the attempt never started
        try {
          SpecStaging.delete(stagedSpec, stagingConf());
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  private Started start(Map<String, String> env, List<String> specArguments, Path logFile,
      SparkAppHandle.Listener listener, String stagedSpec) throws IOException {
    SparkLauncher launcher = new SparkLauncher(env)
        .setSparkHome(spark.home().toString())
        .setMaster(settings.master())
        .setDeployMode(settings.deployMode())
        .setMainClass(EntrypointContract.MAIN_CLASS)
        .setAppResource(applicationJar.toString())
        .addAppArgs(specArguments.toArray(String[]::new))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectError();
    sparkConf().forEach((key, value) -> {
      if (!keptOffCommandLine(key, value)) {
        launcher.setConf(key, value);
      }
    });
    // Executors get the environment as conf, which spark-submit's command line shows: what must stay off it reaches
    // them through the driver's spec instead (driverSpec); the driver receives the environment itself.
    Map<String, String> hiddenEnv = executorEnvKeptOffCommandLine();
    settings.env().forEach((name, value) -> {
      if (!hiddenEnv.containsKey(name)) {
        launcher.setConf("spark.executorEnv." + name, value);
      }
    });
    // The user's jars from every source (the operator's jars among them), collected once at submission.
    java.util.LinkedHashSet<String> jars = new java.util.LinkedHashSet<>(spec.jars);
    jars.addAll(settings.list("jars"));
    for (String jar : jars) {
      launcher.addJar(jar);
    }
    for (String jar : accelerator.jars()) {
      launcher.addJar(jar);
    }
    for (Path library : ApplicationJar.engineLibraries(applicationJar)) {
      launcher.addJar(library.toString());
    }
    // a Spark install's jars/ has no table format: the ones this run uses go from the CLI's lib/ as files
    for (Path tableJar : TableFormatJars.forRun(spec, SparkSubmitLaunch.class.getClassLoader())) {
      launcher.addJar(tableJar.toString());
    }
    for (String file : settings.list("files")) {
      launcher.addFile(file);
    }
    if (!settings.list("packages").isEmpty()) {
      launcher.addSparkArg("--packages", String.join(",", settings.list("packages")));
    }
    String[][] passThrough = {{"proxyUser", "--proxy-user"}, {"queue", "--queue"}, {"principal", "--principal"},
        {"keytab", "--keytab"}};
    for (String[] option : passThrough) {
      String value = settings.config().get(option[0]);
      if (value != null && !value.isBlank()) {
        launcher.addSparkArg(option[1], value);
      }
    }
    if (detached()) {
      // The submitting CLI exits at once: a launcher handle would leave the driver connecting to a server that is
      // gone (SparkContext fails to start). A plain child process is followed through its pid and records instead.
      return new Started(null, launcher.launch(), stagedSpec);
    }
    synchronized (START_LOCK) {
      childrenBefore = childPids();
      SparkAppHandle handle = launcher.startApplication(listener);
      return new Started(handle, null, stagedSpec);
    }
  }

  /**
   * What a start produced: a launcher handle (attached runs) or a plain process ({@code --detach}), and the URI of
   * the spec staged for a cluster-mode driver (null when it went inline or to a local file).
   */
  record Started(SparkAppHandle handle, Process process, String stagedSpec) {
  }

  boolean detached() {
    return detached;
  }

  /**
   * The spark-submit child just started for {@code runId} (client mode: that process becomes the driver JVM, as
   * the generated and the real spark-submit both exec java). Matched by the run id in its arguments.
   */
  Optional<ProcessHandle> driverProcess(String runId) {
    List<ProcessHandle> fresh = ProcessHandle.current().children()
        .filter(p -> !childrenBefore.contains(p.pid())).toList();
    for (ProcessHandle p : fresh) {
      if (p.info().commandLine().map(c -> c.contains(runId)).orElse(false)) {
        return Optional.of(p);
      }
    }
    return fresh.size() == 1 ? Optional.of(fresh.get(0)) : Optional.empty();
  }

  private static Set<Long> childPids() {
    Set<Long> pids = new HashSet<>();
    ProcessHandle.current().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  private static String shortName(String step) {
    int dot = step == null ? -1 : step.lastIndexOf('.');
    return dot < 0 ? String.valueOf(step) : step.substring(dot + 1);
  }
}
