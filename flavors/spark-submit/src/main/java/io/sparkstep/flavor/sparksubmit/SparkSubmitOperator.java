package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.remote.SpecStaging;
import io.sparkstep.spi.spec.MemorySize;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.flavor.sparksubmit.SparkSubmitSettings.MasterKind;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.ResourceTable;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.spi.SubmitOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One spark-submit operator. Refuses up front what it cannot run (resources it cannot map, missing jars, an
 * oversized spec); at submission checks that the master answers and that the request fits the standalone cluster
 * (an application that fits no worker would wait for ever), then launches through {@link SparkSubmitRun}.
 */
final class SparkSubmitOperator implements StepOperator {
  private final SparkSubmitSettings settings;

  SparkSubmitOperator(SparkSubmitSettings settings) {
    this.settings = settings;
  }

  /** In client mode the driver runs here; in cluster mode on a worker, whose network this process cannot judge. */
  @Override
  public boolean reachesStorageFromHere() {
    return !settings.clusterMode();
  }

  @Override
  public ResourceTable resourceTable() {
    return ResourceConf.table(settings);
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>(ResourceConf.valueProblems(spec.resources));
    String appJar = settings.applicationJar();
    if (appJar != null && !appJar.isBlank()) {
      checkLocalFile("applicationJar", appJar, problems);
    }
    for (String jar : settings.list("jars")) {
      checkLocalFile("jars", jar, problems);
    }
    for (String file : settings.list("files")) {
      checkLocalFile("files", file, problems);
    }
    String keytab = settings.config().get("keytab");
    if (keytab != null && !keytab.isBlank()) {
      checkLocalFile("keytab", keytab, problems);
    }
    String sparkHome = settings.sparkHome();
    if (sparkHome != null && !sparkHome.isBlank()) {
      String problem = SparkDistribution.at(Paths.get(sparkHome)).problem();
      if (problem != null) {
        problems.add(ValidationProblem.of("sparkHome", sparkHome + " " + problem,
            "point it at a Spark installation, or drop it to use the Spark jars of this Sparkstep build"));
      }
    }
    if (settings.clusterMode()) {
      // a client-mode driver runs here and reads a large spec from the run's directory; one on a worker cannot
      SpecStaging.check(SparkSubmitLaunch.SPEC_CHANNEL, StepSpecJson.write(spec),
          settings.stagingUri(), "stagingUri").ifPresent(problems::add);
    }
    if (settings.clusterMode() && settings.masterKind() == MasterKind.STANDALONE && settings.masterWebUi() == null) {
      problems.add(ValidationProblem.of("masterWebUi", "cluster mode follows the driver through the master web UI",
          "--set masterWebUi=http://MASTER_HOST:8080"));
    }
    return problems;
  }

  private static void checkLocalFile(String field, String location, List<ValidationProblem> problems) {
    Path path;
    if (location.startsWith("file:")) {
      path = Paths.get(URI.create(location));
    } else if (!location.contains("://") && !location.startsWith("local:")) {
      path = Paths.get(location);
    } else {
      return; // remote (hdfs://, s3a://, https://) or already on the nodes (local:): Spark fetches it
    }
    if (!Files.isRegularFile(path)) {
      problems.add(ValidationProblem.of(field, "file " + path.toAbsolutePath() + " does not exist",
          "build it first (mvn package) or fix the path"));
    }
  }

  @Override
  public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException {
    Path home = SparkstepHome.resolve();
    SparkDistribution spark;
    Path appJar;
    AcceleratorPlan accelerator;
    try {
      String sparkHome = settings.sparkHome();
      spark = sparkHome != null && !sparkHome.isBlank() ? SparkDistribution.at(Paths.get(sparkHome))
          : SparkDistribution.assemble(home.resolve("spark-dist"));
      String configured = settings.applicationJar();
      appJar = configured != null && !configured.isBlank() ? Paths.get(configured).toAbsolutePath()
          : ApplicationJar.engineJar(home.resolve("spark-dist"));
      accelerator = Accelerators.plan(spec);
    } catch (InvalidSpecException e) {
      throw context.failed(e);
    } catch (RuntimeException e) {
      throw context.failed(new PlatformException("cannot prepare spark-submit: " + e.getMessage(), e, false));
    }
    SparkSubmitLaunch launch = new SparkSubmitLaunch(settings, spec, spark, appJar, accelerator,
        options.detached());
    preflight(launch, context);
    return SparkSubmitRun.start(context, launch);
  }

  /**
   * Checks that need the cluster: a reachable master (tried submitAttempts times with backoff) and, on standalone,
   * a request that fits. Failures end the run here, recorded, with one clear error.
   */
  private void preflight(SparkSubmitLaunch launch, RunContext context) throws PlatformException {
    if (settings.masterKind() != MasterKind.STANDALONE) {
      return;
    }
    int max = settings.submitAttempts();
    for (int attempt = 1; ; attempt++) {
      String unreachable = unreachableMaster();
      if (unreachable == null) {
        break;
      }
      int refused = attempt;
      context.update(record -> record.attemptRefused(refused, unreachable));
      if (attempt >= max) {
        throw context.failed(new PlatformException(unreachable + "; start one with: sparkstep cluster start, "
            + "or fix the master setting of operator " + settings.config().name(), true));
      }
      sleep(settings.backoffMillis() * attempt);
    }
    StandaloneMaster master = launch.master();
    JsonNode state;
    try {
      state = master.state();
    } catch (IOException e) {
      if (settings.clusterMode()) {
        throw context.failed(new PlatformException("the master web UI " + master.webUi() + " does not answer ("
            + e.getMessage() + "); cluster mode needs it for driver status; set masterWebUi", e, true));
      }
      return; // client mode runs without it; only the capacity check is skipped
    }
    List<ValidationProblem> problems = capacityProblems(launch, state, master);
    if (!problems.isEmpty()) {
      throw context.failed(new InvalidSpecException(problems));
    }
  }

  private String unreachableMaster() {
    List<String> failures = new ArrayList<>();
    for (String[] hostPort : settings.standaloneHosts()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 3000);
        return null;
      } catch (IOException e) {
        failures.add(hostPort[0] + ":" + hostPort[1] + " (" + e.getMessage() + ")");
      }
    }
    return "Spark master " + settings.master() + " is unreachable: " + String.join(", ", failures);
  }

  /** An application larger than every worker waits for ever in Spark; refuse it with the numbers instead. */
  private List<ValidationProblem> capacityProblems(SparkSubmitLaunch launch, JsonNode state,
      StandaloneMaster master) {
    List<ValidationProblem> problems = new ArrayList<>();
    List<JsonNode> workers = master.aliveWorkers(state);
    if (workers.isEmpty()) {
      problems.add(ValidationProblem.of("master", settings.master() + " has no alive workers",
          "start workers (sparkstep cluster start starts them with the master)"));
      return problems;
    }
    Map<String, String> conf = launch.sparkConf();
    long maxWorkerMemory = workers.stream().mapToLong(w -> w.path("memory").asLong()).max().orElse(0);
    int maxWorkerCores = workers.stream().mapToInt(w -> w.path("cores").asInt()).max().orElse(0);
    int totalCores = workers.stream().mapToInt(w -> w.path("cores").asInt()).sum();
    String memoryField = field(launch.spec(), "executorMemory", "spark.executor.memory");
    long executorMiB = MemorySize.memoryMiB(conf.getOrDefault("spark.executor.memory", "1g"));
    if (executorMiB > maxWorkerMemory) {
      problems.add(ValidationProblem.of(memoryField, "executors of " + executorMiB + "m fit on no worker (the "
          + "largest offers " + maxWorkerMemory + "m)", "ask for at most " + maxWorkerMemory + "m per executor"));
    }
    int executorCores = Integer.parseInt(conf.getOrDefault("spark.executor.cores", "1"));
    if (executorCores > maxWorkerCores) {
      problems.add(ValidationProblem.of(field(launch.spec(), "executorCpu", "spark.executor.cores"), "executors of "
          + executorCores + " cores fit on no worker (the largest has " + maxWorkerCores + ")",
          "ask for at most " + maxWorkerCores + " cores per executor"));
    }
    if (launch.spec().resources != null && launch.spec().resources.executors > 0) {
      int wanted = launch.spec().resources.executors * executorCores;
      if (wanted > totalCores) {
        problems.add(ValidationProblem.of("resources.executors", launch.spec().resources.executors + " executors of "
            + executorCores + " cores need " + wanted + " cores, the cluster has " + totalCores,
            "ask for at most " + totalCores / executorCores + " executors"));
      }
    }
    if (settings.clusterMode()) {
      long driverMiB = MemorySize.memoryMiB(conf.getOrDefault("spark.driver.memory", "1g"));
      int driverCores = Integer.parseInt(conf.getOrDefault("spark.driver.cores", "1"));
      if (driverMiB > maxWorkerMemory) {
        problems.add(ValidationProblem.of(field(launch.spec(), "memory", "spark.driver.memory"), "a driver of "
            + driverMiB + "m fits on no worker (the largest offers " + maxWorkerMemory + "m)",
            "ask for at most " + maxWorkerMemory + "m"));
      }
      if (driverCores > maxWorkerCores) {
        problems.add(ValidationProblem.of(field(launch.spec(), "cpu", "spark.driver.cores"), "a driver of "
            + driverCores + " cores fits on no worker (the largest has " + maxWorkerCores + ")",
            "ask for at most " + maxWorkerCores + " cores"));
      }
    }
    return problems;
  }

  /** The field a user set: the resource if given, else where the conf came from. */
  private String field(StepSpec spec, String resource, String confKey) {
    if (spec.resources != null && spec.resources.setFields().containsKey(resource)) {
      return "resources." + resource;
    }
    if (spec.sparkConf.containsKey(confKey)) {
      return "sparkConf." + confKey;
    }
    return "conf." + confKey;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public StepRun attach(RunRecord record, RunContext context) {
    // An attached handle follows and cancels; it never launches, so it needs no Spark home or application jar.
    StepSpec spec = context.store().loadSpec(record.runId).orElseGet(StepSpec::new);
    return SparkSubmitRun.attach(context, new SparkSubmitLaunch(settings, spec, null, null, AcceleratorPlan.none()));
  }
}
