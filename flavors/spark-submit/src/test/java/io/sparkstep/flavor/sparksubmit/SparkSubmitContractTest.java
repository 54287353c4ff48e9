package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.testing.FlavorContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The flavor contract on spark-submit in cluster deploy mode against a real standalone cluster on 127.0.0.1 (a
 * Master and two Workers, each its own JVM, shared with the module's other cluster tests): the driver runs on a
 * worker, so what a run is doing is the master's to say, whichever process asks.
 */
@ExtendWith(StandaloneClusterExtension.class)
class SparkSubmitContractTest extends FlavorContractTest {
  /** When this class's platform was set up: the workers' directories made since are this class's runs'. */
  private Instant startedAt;

  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    startedAt = Instant.now();
    registerOperator("standalone", SparkSubmitFlavor.NAME, StandaloneClusterExtension.operatorSettings("cluster"));
    return "standalone";
  }

  /**
   * The daemons' logs and the drivers' and executors' directories the shared cluster's workers made for this class's
   * runs (the cluster lives outside {@code tmp}): searched for the secret and for the driver's record.
   */
  @Override
  protected List<Path> platformFiles() {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> logs = Files.list(cluster().stateDir())) {
      logs.filter(file -> file.getFileName().toString().endsWith(".log")).forEach(dirs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int worker = 0; worker < 2; worker++) {
      try (Stream<Path> entries = Files.list(cluster().workerDir(worker))) {
        entries.filter(this::madeSinceStart).forEach(dirs::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dirs;
  }

  private boolean madeSinceStart(Path dir) {
    try {
      return !Files.readAttributes(dir, BasicFileAttributes.class).lastModifiedTime().toInstant()
          .isBefore(startedAt);
    } catch (IOException gone) {
      return false;
    }
  }

  private static LocalCluster cluster() {
    return StandaloneClusterExtension.cluster();
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
      Path dir = cluster().workerDir(worker).resolve(driverId);
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
    assertEquals("FINISHED", new StandaloneMaster(cluster().webUi()).driver(driverId).orElseThrow()
        .path("state").asText());
  }

  /** The master killed the driver, and no driver or executor process of the run is left on any worker. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    String driverId = record.platform.get("driverId");
    eventually("the master shows driver " + driverId + " KILLED", Duration.ofSeconds(30), () -> {
      try {
        return "KILLED".equals(new StandaloneMaster(cluster().webUi()).driver(driverId).orElseThrow()
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
