package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.testing.FlavorContractTest;
import io.sparkstep.spi.util.SparkstepHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The flavor contract on spark-submit in cluster deploy mode against a real standalone cluster on 127.0.0.1 (a
 * Master and two Workers, each its own JVM): the driver runs on a worker, so what a run is doing is the master's to
 * say, whichever process asks.
 */
class SparkSubmitContractTest extends FlavorContractTest {
  /** The module's Sparkstep home, where the assembled Spark distribution is kept between test classes. */
  private static final Path MODULE_HOME = SparkstepHome.resolve();
  private LocalCluster cluster;

  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    SparkDistribution spark = SparkDistribution.assemble(MODULE_HOME.resolve("spark-dist"));
    cluster = LocalCluster.start(spark, tmp.resolve("cluster"), 2, 2, "1g", "256m", Duration.ofSeconds(120));
    Map<String, String> settings = cluster.operatorSettings("cluster");
    settings.put("jars", StandaloneClusterExtension.testStepsJar().toString());
    settings.put("conf.spark.executor.memory", "512m");
    settings.put("conf.spark.driver.memory", "512m");
    settings.put("conf.spark.ui.enabled", "false");
    registerOperator("standalone", SparkSubmitFlavor.NAME, settings);
    return "standalone";
  }

  @Override
  protected void stopPlatform() throws Exception {
    if (cluster != null) {
      cluster.stop();
    }
  }

  /** The resources' share of the application's conf, and the time limit the run handle enforces. */
  @Override
  protected String resourceRequest(StepSpec spec, OperatorConfig config) {
    return ResourceConf.conf(spec.resources, new SparkSubmitSettings(config)) + ", stopped after "
        + ResourceConf.runtimeLimitSeconds(spec.resources) + " s";
  }

  @Override
  protected Refusal unsupportedResources() {
    return new Refusal("diskGb=50", "resources.diskGb");
  }

  /** spark-submit carries a literal secret to the driver in the environment, never on its command line. */
  @Override
  protected boolean refusesLiteralSecrets() {
    return false;
  }

  /** The driver's stderr and stdout in its directory on the worker that ran it. */
  @Override
  protected java.util.Optional<List<String>> platformLog(RunRecord record) throws Exception {
    String driverId = record.platform.get("driverId");
    for (int worker = 0; worker < 2; worker++) {
      Path dir = cluster.workerDir(worker).resolve(driverId);
      if (java.nio.file.Files.isDirectory(dir)) {
        List<String> lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(dir.resolve("stderr")));
        lines.addAll(java.nio.file.Files.readAllLines(dir.resolve("stdout")));
        return java.util.Optional.of(lines);
      }
    }
    throw new AssertionError("no worker ran driver " + driverId);
  }

  @Override
  protected void checkSucceeded(RunRecord record) throws Exception {
    String driverId = record.platform.get("driverId");
    assertNotNull(driverId, "cluster mode: the master's driver id is recorded: " + record.platform);
    assertEquals("FINISHED", new StandaloneMaster(cluster.webUi()).driver(driverId).orElseThrow()
        .path("state").asText());
  }

  /** The master killed the driver, and no driver or executor process of the run is left on any worker. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    String driverId = record.platform.get("driverId");
    eventually("the master shows driver " + driverId + " KILLED", Duration.ofSeconds(30), () -> {
      try {
        return "KILLED".equals(new StandaloneMaster(cluster.webUi()).driver(driverId).orElseThrow()
            .path("state").asText());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String appId = record.sparkAppId;
    eventually("no driver or executor process of " + record.runId + " is left", Duration.ofSeconds(30), () ->
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).noneMatch(p -> p.info().commandLine()
            .map(c -> c.contains(record.runId) || appId != null && c.contains(appId)).orElse(false)));
  }
}
