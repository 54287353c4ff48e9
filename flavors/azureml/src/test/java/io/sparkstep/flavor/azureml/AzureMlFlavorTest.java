package io.sparkstep.flavor.azureml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.registry.FlavorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The azureml flavor with azure-core's real pipeline (retry and bearer-token policies, JDK HTTP client) against an
 * HTTPS stand-in of the ARM jobs API that runs each job's command as our entrypoint in a local JVM.
 */
@Tag("slow")
class AzureMlFlavorTest {
  static final String TOKEN = StandInClientSetup.TOKEN;
  @TempDir
  static Path tmp;
  static AzureMlStandIn standIn;
  static Path home;
  static SSLContext previousDefault;

  @BeforeAll
  static void start() throws Exception {
    standIn = new AzureMlStandIn(Files.createDirectories(tmp.resolve("standin")));
    previousDefault = SSLContext.getDefault();
    // Trust the stand-in's test certificate in this JVM only; production uses the JDK's trust store.
    StandInClientSetup.install(standIn.workDir.resolve("standin.p12"));
    home = tmp.resolve("home");
    Map<String, String> settings = standIn.operatorSettings(tmp.resolve("staging"));
    settings.put("maxRetries", "3");
    settings.put("env.API_TOKEN", "${SPARKSTEP_TEST_SECRET}");
    new OperatorStore(home, new FlavorRegistry()).register("aml", "azureml", settings, false);
  }

  @AfterAll
  static void stop() {
    AzureCredentials.use(null);
    SSLContext.setDefault(previousDefault);
    standIn.close();
  }

  private static String uri(String name) {
    return tmp.resolve(name).toUri().toString();
  }

  /** A user's own step jar is staged under stagingUri; the container fetches and loads it, executors included. */
  @Test
  void externalStepJarIsStagedUnderStagingUriAndRunsInTheContainer() throws Exception {
    Path jar = io.sparkstep.testing.ExternalStepJar.build(tmp.resolve("external"));
    io.sparkstep.testing.ExternalStepRuns.assertRunsWithItsRows("aml", home, jar, tmp.resolve("squares"), 12,
        Duration.ofMinutes(2), s -> s);
    assertTrue(Files.isRegularFile(tmp.resolve("staging/jars/" + io.sparkstep.spi.remote.JarStaging.stagedName(jar))),
        "staged under stagingUri/jars");
    io.sparkstep.testing.ExternalStepRuns.assertMissingJarRefused("aml", home, tmp);
  }

  @Test
  void stepRunsAsCommandJobWithRetriedThrottling() throws Exception {
    int createsBefore = standIn.creates.get();
    standIn.throttleNextCreates.set(2);
    StepRun run = Sparkstep.operator("aml", home).step("generate-trips").param("rows", 2000).param("zones", 20)
        .output("trips", uri("trips")).output("zones", uri("zones"))
        .resources(StepResources.builder().cpu(4).memory("16g").maxRuntimeSeconds(3600).build())
        .submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(3)), () -> String.valueOf(run.record().errorMessage()));
    assertEquals(3, standIn.creates.get() - createsBefore, "two 429s retried by the pipeline, then created");
    assertEquals(2000L, run.record().rowsWritten().get("trips"));
    assertTrue(Files.exists(tmp.resolve("trips/_SUCCESS")));

    JsonNode props = standIn.bodies.get(AzureMlOperator.jobName(run.id())).path("properties");
    assertEquals("Standard_D4s_v5", props.path("resources").path("instanceType").asText());
    assertEquals(1, props.path("resources").path("instanceCount").asInt());
    assertEquals("PT1H", props.path("limits").path("timeout").asText());
    // The REST API's environmentId is an ARM resource id; docs/flavors/azureml.md's azureml:NAME:VERSION is expanded to one.
    assertTrue(props.path("environmentId").asText().matches("/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
        + "Microsoft.MachineLearningServices/workspaces/[^/]+/environments/sparkstep/versions/1"),
        props.path("environmentId").asText());
    assertTrue(props.path("computeId").asText().endsWith("/workspaces/ws-sparkstep/computes/cpu-cluster"));
    assertTrue(standIn.authorizations.contains("Bearer " + TOKEN), "the bearer-token policy sent the token over HTTPS");

    RunRecord stored = new RunStore(home).load(run.id()).orElseThrow();
    assertEquals(AzureMlOperator.jobName(run.id()), stored.platform.get("job"));
    assertTrue(stored.logUri.startsWith("https://ml.azure.com/runs/"));
    // the bearer token lives in this JVM's credential only (the secret by reference is the contract suite's)
    for (Path root : List.of(home, tmp.resolve("staging"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          // bytes as Latin-1: Hadoop's binary .crc files sit beside the records
          String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
          assertFalse(text.contains(TOKEN), "token in " + file);
        }
      }
    }
  }

  @Test
  void invalidRequestIsOneClearErrorAndNotRetried() {
    int createsBefore = standIn.creates.get();
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Sparkstep.operator("aml", home)
        .step("generate-trips").output("trips", uri("t400")).output("zones", uri("z400"))
        .resources(StepResources.builder().instanceType("m5.xlarge").build()).submit());
    assertEquals(1, standIn.creates.get() - createsBefore, "a 400 is not retried");
    assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("not a valid VM size"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void resourcesItCannotMapAreRefusedBeforeAnyCall() {
    int createsBefore = standIn.creates.get();
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Sparkstep.operator("aml", home)
        .step("generate-trips").output("trips", uri("t2")).output("zones", uri("z2"))
        .resources(StepResources.builder().executors(3).diskGb(200).build()).submit());
    List<String> fields = e.problems().stream().map(p -> p.field()).toList();
    assertTrue(fields.containsAll(List.of("resources.executors", "resources.diskGb")), fields.toString());
    assertEquals(createsBefore, standIn.creates.get(), "nothing reached the platform");
  }

  @Test
  void plainHttpEndpointIsRefused() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () ->
        new OperatorStore(home, new FlavorRegistry()).register("aml-http", "azureml", Map.of("endpoint", "http://127.0.0.1:1",
            "subscriptionId", "s", "resourceGroup", "rg", "workspace", "wsx", "compute", "c",
            "environment", "azureml:e:1", "stagingUri", "file:/tmp/x"), false));
    assertEquals("operator aml-http setting endpoint", e.problems().get(0).field());
  }
}
