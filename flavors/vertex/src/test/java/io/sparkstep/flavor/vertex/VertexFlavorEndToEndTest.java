package io.sparkstep.flavor.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.EntrypointContract;
import com.google.cloud.aiplatform.v1.CreateCustomJobRequest;
import com.google.cloud.aiplatform.v1.WorkerPoolSpec;
import io.grpc.Status;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.registry.FlavorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real JobServiceClient against {@link VertexStandIn} on 127.0.0.1, which runs our entrypoint as the container:
 * the request a step becomes, a rejected job, refusals. What every flavor does (fail, cancel, detach, secrets) is
 * {@link VertexContractTest}'s.
 */
@Tag("slow")
class VertexFlavorEndToEndTest {
  static final String SECRET_ENV = "SPARKSTEP_TEST_SECRET";
  @TempDir
  static Path dir;
  static Path home;
  static VertexStandIn standIn;

  @BeforeAll
  static void start() throws IOException {
    home = dir.resolve("home");
    Files.createDirectories(dir.resolve("container-logs"));
    standIn = new VertexStandIn(dir.resolve("container-logs"));
    register("vertex-test", Map.of());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    standIn.close();
  }

  static void register(String name, Map<String, String> extra) {
    Map<String, String> settings = standIn.operatorSettings(dir.resolve("staging"));
    // A credential the container needs: only its variable name may be written anywhere.
    settings.put("env.WAREHOUSE_TOKEN", "${" + SECRET_ENV + "}");
    settings.put("conf.spark.sql.shuffle.partitions", "2");
    settings.putAll(extra);
    new OperatorStore(home, new FlavorRegistry()).register(name, "vertex", settings, true);
  }

  /** A user's own step jar is staged under stagingUri; the container fetches and loads it, executors included. */
  @Test
  void externalStepJarIsStagedUnderStagingUriAndRunsInTheContainer() throws Exception {
    Path jar = io.sparkstep.testing.ExternalStepJar.build(dir.resolve("external"));
    io.sparkstep.testing.ExternalStepRuns.assertRunsWithItsRows("vertex-test", home, jar, dir.resolve("squares"), 14,
        Duration.ofMinutes(2), s -> s);
    assertTrue(Files.isRegularFile(dir.resolve("staging/jars/" + io.sparkstep.spi.remote.JarStaging.stagedName(jar))),
        "staged under stagingUri/jars");
    io.sparkstep.testing.ExternalStepRuns.assertMissingJarRefused("vertex-test", home, dir);
  }

  @Test
  void generatesTripsAfterAThrottledCreateAndLeavesNoSecretBehind() throws Exception {
    String secret = System.getenv(SECRET_ENV);
    assertNotNull(secret, "surefire sets " + SECRET_ENV);
    standIn.failNextCreate(Status.RESOURCE_EXHAUSTED.withDescription("Quota exceeded for CustomJob creation"));
    int callsBefore = standIn.createCalls.get();
    Path trips = dir.resolve("out/trips");
    Path zones = dir.resolve("out/zones");
    StepRun run = Sparkstep.operator("vertex-test", home).step("generate-trips")
        .param("rows", 2000).param("partitions", 2)
        .output("trips", trips.toUri().toString()).output("zones", zones.toUri().toString())
        .resources(StepResources.builder().cpu(2).memory("8g").maxRuntimeSeconds(900).build())
        .submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(3)), () -> failureText(run));

    // the throttled create was retried by the client, once
    assertEquals(callsBefore + 2, standIn.createCalls.get());
    CreateCustomJobRequest request = lastCreate();
    WorkerPoolSpec pool = request.getCustomJob().getJobSpec().getWorkerPoolSpecs(0);
    assertEquals("projects/sparkstep-test/locations/us-central1", request.getParent());
    assertEquals("e2-standard-4", pool.getMachineSpec().getMachineType());
    assertEquals(1, pool.getReplicaCount());
    assertEquals(100, pool.getDiskSpec().getBootDiskSizeGb());
    assertEquals(900, request.getCustomJob().getJobSpec().getScheduling().getTimeout().getSeconds());
    assertEquals("steps@sparkstep-test.iam.gserviceaccount.com",
        request.getCustomJob().getJobSpec().getServiceAccount());
    assertEquals("data", request.getCustomJob().getLabelsMap().get("team"));
    assertEquals(run.id().toLowerCase(), request.getCustomJob().getLabelsMap().get(CustomJobRequest.RUN_ID_LABEL));
    Map<String, String> env = envOf(pool);
    assertEquals(secret, env.get("WAREHOUSE_TOKEN"), "the container gets the resolved credential");
    assertTrue(env.containsKey(EntrypointContract.SPEC_ENV), "a small spec travels inline");

    // the step really ran: both outputs committed with their rows, files on disk
    RunRecord record = RunRecordJson.read(run.record().toJson());
    assertEquals(2000L, record.outputs.get("trips").rows);
    assertTrue(record.outputs.get("trips").committed);
    assertTrue(Files.exists(trips.resolve("_SUCCESS")));
    try (Stream<Path> files = Files.list(trips)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("part-")));
    }
    assertTrue(record.platform.get("jobName").startsWith("projects/sparkstep-test/locations/us-central1/customJobs/"));
    assertTrue(record.platform.get("loggingQuery").contains("resource.labels.job_id=\"" + record.platform.get("jobId")));

    // a later process finds the run again from its record
    StepRun attached = new StepSubmitter(home, new FlavorRegistry()).attach(run.id());
    assertEquals(RunState.SUCCEEDED, attached.state());
    List<String> log = run.logs(false).toList();
    assertTrue(log.stream().anyMatch(l -> l.contains("JOB_STATE_SUCCEEDED")), String.join("\n", log));
    // the container's own lines, read back from Cloud Logging, are in the run's log, each once
    List<String> sparkStarts = log.stream().filter(l -> l.contains("Running Spark version")).toList();
    assertEquals(1, sparkStarts.size(), String.join("\n", log));

    assertNoFileContains(home, secret);
    assertNoFileContains(dir.resolve("staging"), secret);
  }

  @Test
  void aRejectedJobIsOneClearErrorAndNothingRuns() throws Exception {
    int before = standIn.createCalls.get();
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () ->
        Sparkstep.operator("vertex-test", home).step("generate-trips").param("rows", 10)
            .output("trips", dir.resolve("rejected/t").toUri().toString())
            .output("zones", dir.resolve("rejected/z").toUri().toString())
            .resources(StepResources.builder().instanceType("m5.xlarge").build()).submit());
    assertEquals(before + 1, standIn.createCalls.get(), "a 400 is not retried");
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(e.getMessage().contains("INVALID_ARGUMENT: Machine type \"m5.xlarge\" is not supported."),
        e.getMessage());
    RunRecord failed = new io.sparkstep.spi.record.RunStore(home).list().stream()
        .filter(r -> r.error != null && r.error.message.contains("m5.xlarge")).findFirst().orElseThrow();
    assertEquals(RunState.FAILED, failed.state, "the refused submission is recorded as failed, with its cause");
    assertTrue(failed.platform.get("jobName") == null, "no job exists");
  }

  @Test
  void whatCannotBeMappedIsRefusedBeforeAnythingIsCreated() {
    int before = standIn.createCalls.get();
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () ->
        Sparkstep.operator("vertex-test", home).step("generate-trips")
            .output("trips", dir.resolve("refused/t").toUri().toString())
            .output("zones", dir.resolve("refused/z").toUri().toString())
            .resources(StepResources.builder().executors(4).executorMemory("4g").gpus(3).diskGb(20).build()).submit());
    assertEquals(before, standIn.createCalls.get());
    String message = e.getMessage();
    for (String field : List.of("resources.executors", "resources.executorMemory", "resources.diskGb",
        "resources:")) {
      assertTrue(message.contains(field), field + " in " + message);
    }
  }

  static String failureText(StepRun run) {
    RunRecord record = RunRecordJson.read(run.record().toJson());
    return run.state() + ": " + (record.error == null ? "" : record.error.message + "\n" + record.error.stackTrace);
  }

  static CreateCustomJobRequest lastCreate() {
    synchronized (standIn.creates) {
      return standIn.creates.get(standIn.creates.size() - 1);
    }
  }

  static Map<String, String> envOf(WorkerPoolSpec pool) {
    Map<String, String> env = new LinkedHashMap<>();
    pool.getContainerSpec().getEnvList().forEach(v -> env.put(v.getName(), v.getValue()));
    return env;
  }

  static void assertNoFileContains(Path root, String secret) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(secret), "the secret leaked into " + file);
      }
    }
  }
}
