package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.launch.EngineStepLauncher;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.RangeStep;
import io.sparkstep.testing.CopyStep;
import io.sparkstep.testing.SlowStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps on a real standalone cluster (Master + 2 Workers, separate JVMs; the module's shared one), in client and
 * cluster deploy mode, with faults. The worker-kill test runs last and stops the cluster it left with one worker.
 */
@ExtendWith(StandaloneClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class SparkSubmitClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);

  @TempDir
  Path data;

  private static LocalCluster cluster() {
    return StandaloneClusterExtension.cluster();
  }

  private static Sparkstep operator(String name) {
    return Sparkstep.operator(name, StandaloneClusterExtension.home());
  }

  private RunRecord record(StepRun run) {
    return new RunStore(StandaloneClusterExtension.home()).load(run.id()).orElseThrow();
  }

  private String log(StepRun run) throws IOException {
    return Files.readString(new RunStore(StandaloneClusterExtension.home()).logFile(run.id()));
  }

  @Test
  @Order(1)
  void clientModeStepRunsOnTheWorkersExecutors() throws Exception {
    // the secret reaches the driver through its environment only: never an argument, a log line or a record
    // and through conf: an operator conf.* reference resolved here and a literal secret in the step's conf, both
    // kept off spark-submit's command line (moved into its environment, resolved by the entrypoint)
    String op = StandaloneClusterExtension.operator("it-client-env", "client",
        Map.of("env.API_TOKEN", "${SPARKSTEP_TEST_SECRET}", "env.GREETING", "hello",
            "conf.spark.hadoop.fs.s3a.secret.key", "${SPARKSTEP_TEST_SECRET}"));
    String literal = "lit-" + java.util.UUID.randomUUID();
    java.util.List<String> commandLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread ps = new Thread(() -> {
      while (watching.get()) {
        ProcessHandle.current().descendants().forEach(p -> p.info().commandLine().ifPresent(commandLines::add));
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    ps.start();
    StepRun run = operator(op).step("generate-trips").param("rows", 20_000).param("partitions", 4)
        .conf("spark.sparkstep.test.password", literal)
        .output("trips", data.resolve("trips").toUri().toString())
        .output("zones", data.resolve("zones").toUri().toString()).submit();
    assertEquals(RunState.SUCCEEDED, run.await(RUN_TIMEOUT), () -> "log:\n" + tail(run));
    watching.set(false);
    ps.join();
    assertTrue(commandLines.stream().anyMatch(c -> c.contains(run.id())), "spark-submit's command line was seen");
    for (String line : commandLines) {
      assertFalse(line.contains(System.getenv("SPARKSTEP_TEST_SECRET")) || line.contains(literal),
          "secret on a command line: " + line);
    }
    try (Stream<Path> files = Files.walk(StandaloneClusterExtension.home())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertFalse(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains(literal), "literal secret in " + file);
      }
    }
    RunRecord record = record(run);
    assertEquals(20_000L, record.outputs.get("trips").rows);
    assertTrue(record.outputs.get("trips").committed);
    assertTrue(Files.isDirectory(data.resolve("trips")));
    assertEquals(1, record.attempts.size());
    assertEquals(RunState.SUCCEEDED, record.attempts.get(0).state);
    assertEquals(cluster().masterUrl(), record.sparkMaster);
    assertNotNull(record.sparkAppId);
    assertTasksRanOnWorkers(record.sparkAppId);
    assertTrue(log(run).contains("sparkstep: run " + run.id() + " SUCCEEDED"), "the driver's output is in the log");
    String secret = System.getenv("SPARKSTEP_TEST_SECRET");
    assertNotNull(secret);
    Path runDir = new RunStore(StandaloneClusterExtension.home()).runDir(run.id());
    try (Stream<Path> files = Files.walk(runDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(secret), "secret in " + file);
      }
    }
  }

  @Test
  @Order(11)
  void aValueFromAReferenceNeverGoesOnACommandLineAndStillReachesDriverAndExecutors() throws Exception {
    // names that do not look secret: only where the value came from (a ${...} reference) keeps it off
    String value = System.getenv("SPARKSTEP_TEST_REFERENCED");
    assertNotNull(value, "set by the build for this test");
    String op = StandaloneClusterExtension.operator("it-client-referenced", "client",
        Map.of("env.PLAIN_SETTING", "${SPARKSTEP_TEST_REFERENCED}",
            "conf.spark.sparkstep.test.plain", "${SPARKSTEP_TEST_REFERENCED}"));
    java.util.Set<String> commandLines = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread ps = new Thread(() -> {
      // every process of this machine, as ps shows them: the submitter's children, the workers' executors
      while (watching.get()) {
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(commandLines::add));
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    ps.start();
    StepRun run;
    try {
      run = operator(op).step(io.sparkstep.testing.EnvProbeStep.class).param("variable", "PLAIN_SETTING").submit();
      assertEquals(RunState.SUCCEEDED, run.await(RUN_TIMEOUT), () -> "log:\n" + tail(run));
    } finally {
      watching.set(false);
      ps.join();
    }
    assertTrue(commandLines.stream().anyMatch(c -> c.contains(run.id())), "spark-submit's command line was seen");
    List<String> holding = commandLines.stream().filter(c -> c.contains(value)).toList();
    assertEquals(List.of(), holding, "the referenced value on a command line");
    RunRecord record = record(run);
    assertEquals(value.hashCode(), ((Number) record.metrics.get("driverHash")).intValue(), "the driver sees it");
    assertEquals(value.hashCode(), ((Number) record.metrics.get("executorHash")).intValue(),
        "the executors see it");
  }

  /**
   * In cluster deploy mode the driver runs on a worker, its id and worker are recorded, and its output reaches the run
   * log through the worker's log page. A spec past what the driver takes in its arguments (1 MiB; multi-byte, so it stays under the 1 Mi characters a
   * spec may have) reaches a cluster-mode driver on a worker as {@code --spec URI} of the copy staged under
   * stagingUri (here a file: directory the loopback cluster's workers share); the copy goes when the attempt ends.
   */
  @Test
  @Order(2)
  void clusterModeDriverRunsOnAWorkerStreamsItsLogAndReadsASpecPastTheArgumentLimitFromStagingUri() throws Exception {
    Path staging = data.resolve("staging");
    String op = StandaloneClusterExtension.operator("it-cluster-staged", "cluster",
        Map.of("stagingUri", staging.toUri().toString()));
    Sparkstep step = operator(op).step("generate-trips").param("rows", 1000).param("partitions", 2)
        .output("trips", data.resolve("staged-trips").toUri().toString())
        .output("zones", data.resolve("staged-zones").toUri().toString());
    for (int i = 0; i < 20; i++) {
      step.label("padding" + i, "é".repeat(32 * 1024));
    }
    StepRun run = step.submit();
    String staged = record(run).platform.get("specUri");
    assertNotNull(staged, "the record names the staged spec");
    assertTrue(staged.startsWith(staging.toUri().toString()), staged);
    assertEquals(RunState.SUCCEEDED, run.await(RUN_TIMEOUT), () -> "log:\n" + tail(run));
    RunRecord record = record(run);
    assertEquals(1000L, record.outputs.get("trips").rows);
    String driverId = record.platform.get("driverId");
    assertNotNull(driverId, "the master's driver id is recorded for status and cancel");
    assertTrue(record.platform.get("driverWorker").startsWith("worker-"));
    // The driver ran in a Worker's directory, and its output reached the run log through the worker's log page.
    assertTrue(existsUnderWorkers(driverId), "driver " + driverId + " ran on a worker");
    String log = log(run);
    assertTrue(log.contains("Launch Command"), "worker's driver stderr is in the run log");
    assertTrue(log.contains("sparkstep: run " + run.id() + " SUCCEEDED"), "driver's last line is in the run log");
    assertTasksRanOnWorkers(record.sparkAppId);
    assertTrue(log.contains(staged), "the worker launched the driver with --spec " + staged);
    assertFalse(Files.exists(Path.of(java.net.URI.create(staged))), "the staged spec is deleted with the attempt");
  }

  @Test
  @Order(3)
  void cancelWhileRunningInClientModeLeavesNoProcessAndNoOutput() throws Exception {
    String op = StandaloneClusterExtension.operator("it-client", "client", Map.of());
    Path out = data.resolve("slow");
    // detached (run --detach): a plain spark-submit child, followed by pid and records, not by a launcher handle
    StepRun run = operator(op).step(SlowStep.class).param("seconds", 90).param("partitions", 2)
        .output("out", out.toUri().toString()).detached().submit();
    // logs --follow yields the step's own log line while the run is still going: streamed, not after exit
    Iterator<String> follow = run.logs(true).iterator();
    String seen = null;
    while (follow.hasNext()) {
      String line = follow.next();
      if (line.contains("slow step: tasks sleep")) {
        seen = line;
        break;
      }
    }
    assertNotNull(seen, () -> "the step's log line streamed; log:\n" + tail(run));
    assertEquals(RunState.RUNNING, run.state());
    String driverPid = record(run).platform.get("driverPid");
    assertNotNull(driverPid);
    String appId = awaitAppId(run);
    // cancelled through a handle rebuilt from the stored record, as `sparkstep runs cancel` in another process
    StepRun attached = new StepSubmitter(StandaloneClusterExtension.home(), new FlavorRegistry()).attach(run.id());
    attached.cancel();
    assertEquals(RunState.CANCELLED, attached.await(Duration.ofSeconds(60)), () -> tail(run));
    assertEquals(RunState.CANCELLED, run.await(Duration.ofSeconds(30)));
    assertFalse(ProcessHandle.of(Long.parseLong(driverPid)).map(ProcessHandle::isAlive).orElse(false));
    assertNoProcessesOf(run.id(), appId);
    assertFalse(Files.exists(out), "no output committed");
    assertEquals(RunState.CANCELLED, record(run).state);
  }

  /**
   * A Delta output on the cluster: the Spark home's jars/ has no Delta, so the driver and executors load it only from
   * the jars the flavor ships with the run (the submitting process's own delta-spark and delta-storage).
   */
  @Test
  @Order(4)
  void aDeltaOutputIsWrittenWithTheTableJarsTheRunShips() throws Exception {
    String op = StandaloneClusterExtension.operator("it-client-delta", "client", Map.of());
    Path table = data.resolve("ids-delta");
    StepRun run = operator(op).step(RangeStep.class).param("rows", 5).output("out", table.toUri().toString(), "delta")
        .submit();
    // a fresh driver's first Delta write loads Delta's classes and reads an empty log first: longer than a plain run
    assertEquals(RunState.SUCCEEDED, run.await(RUN_TIMEOUT.multipliedBy(2)), () -> "log:\n" + tail(run));
    RunRecord record = record(run);
    assertEquals(new DataSnapshot(DataSnapshot.DELTA_VERSION, "0"), record.outputs.get("out").snapshot);
    assertEquals(5L, record.outputs.get("out").rows);
    assertTrue(Files.isRegularFile(table.resolve("_delta_log").resolve("00000000000000000000.json")));
  }

  /**
   * One artifact store, two flavors: a run computed on the local flavor is a hit for the same step and inputs on the
   * cluster, which then runs no application; an input changed since is a miss naming it (computed on the local
   * flavor, whose new entry the cluster takes in turn).
   */
  @Test
  @Order(4)
  void aResultComputedOnOneFlavorIsAHitOnTheOtherSharingTheStore() throws Exception {
    String cluster = StandaloneClusterExtension.operator("it-cache", "client", Map.of());
    StepSubmitter submitter = new StepSubmitter(StandaloneClusterExtension.home(), new FlavorRegistry());
    Path in = Files.createDirectories(data.resolve("cache-in"));
    Files.writeString(in.resolve("part-0.json"), "{\"id\":1}\n{\"id\":2}\n");

    RunRecord computed = cachedRun(submitter, OperatorStore.DEFAULT_OPERATOR, in, "cache-out");
    assertEquals(RunState.SUCCEEDED, computed.state);
    assertEquals("miss", computed.cache.outcome);
    assertEquals(2L, computed.outputs.get("out").rows);

    int applications = masterApplications();
    RunRecord hit = cachedRun(submitter, cluster, in, "cache-out");
    assertEquals(RunState.SUCCEEDED, hit.state);
    assertEquals("hit", hit.cache.outcome, hit.cache.reason);
    assertEquals(computed.runId, hit.cachedFrom);
    assertEquals("same key as run " + computed.runId + " and its outputs are intact", hit.cache.reason);
    assertEquals(computed.cache.key, hit.cache.key);
    assertEquals(null, hit.sparkAppId);
    assertEquals(applications, masterApplications(), "the hit submitted no application to the Master");

    Files.writeString(in.resolve("part-1.json"), "{\"id\":3}\n");
    RunRecord changed = cachedRun(submitter, OperatorStore.DEFAULT_OPERATOR, in, "cache-out-changed");
    assertEquals(RunState.SUCCEEDED, changed.state);
    assertEquals("miss", changed.cache.outcome);
    assertTrue(changed.cache.reason.startsWith("input in changed (listing-digest:")
        && changed.cache.reason.endsWith(" since run " + computed.runId), changed.cache.reason);
    assertEquals(3L, changed.outputs.get("out").rows);
    RunRecord hitAgain = cachedRun(submitter, cluster, in, "cache-out-changed");
    assertEquals(changed.runId, hitAgain.cachedFrom, hitAgain.cache.reason);
    assertEquals(applications, masterApplications(), "no hit submitted an application to the Master");
  }

  /** Copies {@code in} to {@code out} on {@code operatorName} with the cache on, as {@code run --cache}. */
  private RunRecord cachedRun(StepSubmitter submitter, String operatorName, Path in, String out) throws Exception {
    io.sparkstep.spi.spec.StepSpec spec = EngineStepLauncher.spec(operator(operatorName).step(CopyStep.class)
        .input("in", in.toUri().toString(), "json").output("out", data.resolve(out).toUri().toString()).request());
    spec.cache = true;
    StepRun run = submitter.submit(operatorName, spec);
    run.await(RUN_TIMEOUT);
    return record(run);
  }

  /** Applications the Master has seen, running or finished (its JSON status page). */
  private static int masterApplications() throws Exception {
    java.net.http.HttpResponse<String> status = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster().webUi() + "/json/")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    JsonNode master = JSON.readTree(status.body());
    return master.path("activeapps").size() + master.path("completedapps").size();
  }

  @Test
  @Order(5)
  void killedDriverFailsTheRunWithACauseAndNoOutput() throws Exception {
    String op = StandaloneClusterExtension.operator("it-client", "client", Map.of());
    Path out = data.resolve("slow");
    StepRun run = operator(op).step(SlowStep.class).param("seconds", 90).param("partitions", 2)
        .output("out", out.toUri().toString()).submit();
    awaitLog(run, "slow step: tasks sleep");
    String appId = awaitAppId(run);
    long pid = Long.parseLong(record(run).platform.get("driverPid"));
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    assertEquals(RunState.FAILED, run.await(Duration.ofSeconds(60)));
    RunRecord record = record(run);
    assertTrue(record.error.message.contains("driver process ended without a final record"), record.error.message);
    assertFalse(Files.exists(out), "no output committed");
    awaitNoProcessesOf(run.id(), appId);
  }

  @Test
  @Order(9)
  void badInputIsOneClearErrorBeforeOrAtSubmission() throws Exception {
    OperatorStore store = new OperatorStore(StandaloneClusterExtension.home(), new FlavorRegistry());
    // unreachable master: platform error (exit 3), recorded as FAILED
    store.register("it-nowhere", SparkSubmitFlavor.NAME, Map.of("master", "spark://127.0.0.1:1"), true);
    SubmitException unreachable = assertThrows(SubmitException.class, () -> operator("it-nowhere")
        .step("generate-trips").output("trips", data.resolve("t").toString()).output("zones",
            data.resolve("z").toString()).submit());
    assertTrue(unreachable.getMessage().contains("spark://127.0.0.1:1 is unreachable"), unreachable.getMessage());
    // bad deploy mode: refused when the operator is registered (exit 2)
    InvalidSpecException mode = assertThrows(InvalidSpecException.class, () -> store.register("it-bad-mode",
        SparkSubmitFlavor.NAME, Map.of("master", cluster().masterUrl(), "deployMode", "clsuter"), true));
    assertEquals("operator it-bad-mode setting deployMode", mode.problems().get(0).field());
    // resources the cluster cannot hold: refused at submission with the numbers (exit 2)
    String op = StandaloneClusterExtension.operator("it-client", "client", Map.of());
    InvalidSpecException tooBig = assertThrows(InvalidSpecException.class, () -> operator(op).step("generate-trips")
        .output("trips", data.resolve("t").toString()).output("zones", data.resolve("z").toString())
        .resources(StepResources.builder().executorMemory("8g").build()).submit());
    assertEquals("resources.executorMemory", tooBig.problems().get(0).field());
    assertTrue(tooBig.getMessage().contains("8192m fit on no worker"), tooBig.getMessage());
    // missing application jar: refused before anything launches (exit 2)
    String missing = StandaloneClusterExtension.operator("it-missing-jar", "client",
        Map.of("applicationJar", data.resolve("no-such-steps.jar").toString()));
    InvalidSpecException jar = assertThrows(InvalidSpecException.class, () -> operator(missing)
        .step("generate-trips").output("trips", data.resolve("t").toString())
        .output("zones", data.resolve("z").toString()).submit());
    assertEquals("applicationJar", jar.problems().get(0).field());
    assertFalse(Files.exists(data.resolve("t")));
  }

  @Test
  @Order(6)
  void aRunLongerThanMaxRuntimeSecondsIsStoppedAndFails() throws Exception {
    String op = StandaloneClusterExtension.operator("it-client", "client", Map.of());
    Path out = data.resolve("slow");
    StepRun run = operator(op).step(SlowStep.class).param("seconds", 90).param("partitions", 2)
        .output("out", out.toUri().toString()).resources(StepResources.builder().maxRuntimeSeconds(10).build())
        .submit();
    assertEquals(RunState.FAILED, run.await(Duration.ofSeconds(60)), () -> tail(run));
    assertTrue(record(run).error.message.contains("maxRuntimeSeconds=10"), record(run).error.message);
    assertFalse(Files.exists(out), "no output committed");
    awaitNoProcessesOf(run.id(), record(run).sparkAppId);
  }

  @Test
  @Order(7)
  void retriesASubmissionWhoseMasterIsUnreachableAndRecordsEachAttempt() throws Exception {
    OperatorStore store = new OperatorStore(StandaloneClusterExtension.home(), new FlavorRegistry());
    store.register("it-retry", SparkSubmitFlavor.NAME, Map.of("master", "spark://127.0.0.1:1", "maxAttempts", "3",
        "backoffMillis", "100"), true);
    StepSubmitter submitter = new StepSubmitter(StandaloneClusterExtension.home(), new FlavorRegistry());
    io.sparkstep.spi.spec.StepSpec spec = EngineStepLauncher.spec(operator("it-retry").step("generate-trips")
        .output("trips", data.resolve("t").toString()).output("zones", data.resolve("z").toString()).request());
    spec.runId = "retry-" + System.nanoTime();
    assertThrows(SubmitException.class, () -> submitter.submit("it-retry", spec));
    RunRecord record = new RunStore(StandaloneClusterExtension.home()).load(spec.runId).orElseThrow();
    assertEquals(RunState.FAILED, record.state);
    assertEquals(3, record.attempts.size());
    assertTrue(record.attempts.stream().allMatch(a -> a.error.contains("unreachable")));
  }

  @Test
  @Order(12)
  void killingAWorkerMidMultiStageStepStillSucceedsWithCompleteOutput() throws Exception {
    try {
      killAWorkerMidMultiStageStep();
    } finally {
      // the shared cluster lost a worker: the next class that needs one gets a fresh cluster
      StandaloneClusterExtension.discard();
    }
  }

  private void killAWorkerMidMultiStageStep() throws Exception {
    String op = StandaloneClusterExtension.operator("it-client", "client", Map.of());
    StepRun trips = operator(op).step("generate-trips").param("rows", 200_000).param("partitions", 4)
        .output("trips", data.resolve("trips").toUri().toString())
        .output("zones", data.resolve("zones").toUri().toString()).submit();
    assertEquals(RunState.SUCCEEDED, trips.await(RUN_TIMEOUT), () -> tail(trips));

    StepRun clean = features(op, "features-clean");
    assertEquals(RunState.SUCCEEDED, clean.await(RUN_TIMEOUT), () -> tail(clean));

    StepRun faulty = features(op, "features-faulty");
    // Kill worker 1 (its executor with it) once a shuffle map stage has finished: its shuffle output is lost.
    awaitLog(faulty, "ShuffleMapStage \\d+ .* finished in");
    assertFalse(faulty.state().isFinal(), "the worker dies while the step runs");
    cluster().killWorker(1);
    assertEquals(RunState.SUCCEEDED, faulty.await(RUN_TIMEOUT), () -> tail(faulty));

    List<String> expected = rows(data.resolve("features-clean"));
    List<String> actual = rows(data.resolve("features-faulty"));
    assertTrue(expected.size() > 100, "a real result: " + expected.size() + " rows");
    assertEquals(expected.size(), actual.size(), "row count");
    assertEquals(checksum(expected), checksum(actual), "checksum");
    assertEquals((long) expected.size(), record(faulty).outputs.get("features").rows);
    assertTrue(log(faulty).contains("Lost executor"), "Spark saw the executor go");
  }

  private StepRun features(String op, String name) throws SubmitException {
    return operator(op).step("trip-features").input("trips", data.resolve("trips").toUri().toString())
        .input("zones", data.resolve("zones").toUri().toString())
        .output("features", data.resolve(name).toUri().toString(), "json")
        .conf("spark.sql.shuffle.partitions", "24").submit();
  }

  /**
   * The same step, same data, same cluster: raw {@code spark-submit --class StepEntrypoint <engine jar> --spec} and a
   * Sparkstep run, alternated ({@code -Dsparkstep.timing.rounds=N}, default 1; {@code -Dsparkstep.timing.rows=N},
   * default 20000); prints the wall times (also written to target/spark-submit-timing.txt).
   */
  @Test
  @Order(8)
  void rawSparkSubmitAndSparkstepRunTheSameStepSideBySide() throws Exception {
    String op = StandaloneClusterExtension.operator("it-client", "client", Map.of());
    SparkDistribution spark = SparkDistribution.assemble(StandaloneClusterExtension.home().resolve("spark-dist"));
    Path engineJar = ApplicationJar.engineJar(StandaloneClusterExtension.home().resolve("spark-dist"));
    // the suite runs one small round to keep the promise (plain spark-submit and a Sparkstep run give the same
    // step's output); a timing worth reading asks for more rounds and rows
    int rounds = Integer.getInteger("sparkstep.timing.rounds", 1);
    int rows = Integer.getInteger("sparkstep.timing.rows", 20_000);
    StringBuilder report = new StringBuilder("wall time, generate-trips rows=" + rows + " partitions=4, client mode, "
        + "2 workers:\n");
    for (int round = 1; round <= rounds; round++) {
      Path rawOut = data.resolve("raw-" + round);
      Path rawLog = data.resolve("raw-" + round + ".log");
      io.sparkstep.spi.spec.StepSpec spec = EngineStepLauncher.spec(operator(op).step("generate-trips")
          .param("rows", rows).param("partitions", 4).output("trips", rawOut.resolve("trips").toUri().toString())
          .output("zones", rawOut.resolve("zones").toUri().toString()).request());
      Path specFile = data.resolve("spec-" + round + ".json");
      Files.writeString(specFile, io.sparkstep.spi.spec.StepSpecJson.write(spec));
      List<String> command = new ArrayList<>(List.of(spark.home().resolve("bin/spark-submit").toString(),
          "--master", cluster().masterUrl(), "--conf", "spark.executor.memory=512m", "--conf",
          "spark.ui.enabled=false", "--driver-memory", "512m", "--class", "io.sparkstep.runtime.StepEntrypoint",
          // the engine links to sparkstep-api and sparkstep-spi, which a raw submit names as the flavor does
          "--jars", ApplicationJar.engineLibraries(engineJar).stream().map(Path::toString)
              .collect(Collectors.joining(",")),
          engineJar.toString(), "--spec", specFile.toString()));
      ProcessBuilder raw = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(rawLog.toFile());
      raw.environment().putAll(spark.environment());
      long t0 = System.nanoTime();
      int code = raw.start().waitFor();
      long rawMillis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(0, code, () -> readQuietly(rawLog));
      assertTrue(Files.isDirectory(rawOut.resolve("trips")), "plain spark-submit committed the output");

      long t1 = System.nanoTime();
      StepRun run = operator(op).step("generate-trips").param("rows", rows).param("partitions", 4)
          .output("trips", data.resolve("ss-" + round).resolve("trips").toUri().toString())
          .output("zones", data.resolve("ss-" + round).resolve("zones").toUri().toString()).submit();
      assertEquals(RunState.SUCCEEDED, run.await(RUN_TIMEOUT), () -> tail(run));
      long sparkstepMillis = (System.nanoTime() - t1) / 1_000_000;
      assertEquals((long) rows, record(run).outputs.get("trips").rows);
      report.append(String.format("round %d: raw spark-submit %6d ms, sparkstep %6d ms (overhead %+d ms)%n", round,
          rawMillis, sparkstepMillis, sparkstepMillis - rawMillis));
    }
    System.out.print(report);
    Files.writeString(Path.of("target", "spark-submit-timing.txt"), report.toString());
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Rows as canonical text: zone, date, hour, trips, rolling trips, total fare (exact, integer or 2-decimal). */
  private static List<String> rows(Path dir) throws IOException {
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode row = JSON.readTree(line);
          rows.add(row.path("pickup_zone").asText() + "|" + row.path("pickup_date").asText() + "|"
              + row.path("pickup_hour").asText() + "|" + row.path("trips").asText() + "|"
              + row.path("rolling_trips").asText() + "|" + row.path("total_fare").asText());
        }
      }
    }
    return rows;
  }

  private static long checksum(List<String> rows) {
    // order-independent: partition order may differ after a recomputation
    return rows.stream().mapToLong(r -> r.hashCode() * 0x9E3779B97F4A7C15L).sum();
  }

  private void assertTasksRanOnWorkers(String appId) throws IOException {
    int executorsWithTasks = 0;
    for (int i = 0; i < 2; i++) {
      Path appDir = cluster().workerDir(i).resolve(appId);
      if (!Files.isDirectory(appDir)) {
        continue;
      }
      try (Stream<Path> logs = Files.walk(appDir)) {
        for (Path stderr : logs.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
          if (Files.readString(stderr).contains("Running task")) {
            executorsWithTasks++;
          }
        }
      }
    }
    assertTrue(executorsWithTasks >= 1, "tasks of " + appId + " ran in executors started by the workers");
  }

  private boolean existsUnderWorkers(String name) {
    return Files.isDirectory(cluster().workerDir(0).resolve(name))
        || Files.isDirectory(cluster().workerDir(1).resolve(name));
  }

  private static List<ProcessHandle> processesOf(String runId, String appId) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .map(c -> c.contains(runId) || appId != null && c.contains(appId)).orElse(false)).toList();
  }

  private static void assertNoProcessesOf(String runId, String appId) throws InterruptedException {
    awaitNoProcessesOf(runId, appId);
  }

  private static void awaitNoProcessesOf(String runId, String appId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!processesOf(runId, appId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertEquals(List.of(), processesOf(runId, appId).stream().map(p -> p.pid() + " "
        + p.info().commandLine().orElse("")).toList(), "no driver or executor process left");
  }

  private String awaitAppId(StepRun run) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      run.state();
      String id = record(run).sparkAppId;
      if (id != null) {
        return id;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no Spark application id; log:\n" + tail(run));
  }

  private void awaitLog(StepRun run, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (java.util.regex.Pattern.compile(text).matcher(log(run)).find()) {
        return;
      }
      if (run.state().isFinal()) {
        throw new AssertionError("run ended " + run.state() + " before logging '" + text + "':\n" + tail(run));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("'" + text + "' never logged:\n" + tail(run));
  }

  private String tail(StepRun run) {
    try {
      String log = log(run);
      return log.substring(Math.max(0, log.length() - 6000)) + "\nrecord: "
          + io.sparkstep.spi.record.RunRecordJson.write(record(run));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
