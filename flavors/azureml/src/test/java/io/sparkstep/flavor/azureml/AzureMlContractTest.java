package io.sparkstep.flavor.azureml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.api.StepResources;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.testing.FlavorContractTest;
import io.sparkstep.testing.ResourceTableWalk;
import io.sparkstep.testing.SecretRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The flavor contract on azureml: azure-core's real pipeline against the HTTPS stand-in of the ARM jobs API, whose
 * command jobs run the entrypoint as a JVM each. A fresh CLI JVM trusts the stand-in and holds its token through
 * {@link StandInClientSetup}, as an embedding application would.
 */
class AzureMlContractTest extends FlavorContractTest {
  AzureMlStandIn standIn;
  private SSLContext previousDefault;

  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    standIn = new AzureMlStandIn(Files.createDirectories(tmp.resolve("standin")));
    previousDefault = SSLContext.getDefault();
    StandInClientSetup.install(keyStore());
    Map<String, String> settings = standIn.operatorSettings(tmp.resolve("staging"));
    // how a container gets a secret value: in its environment, by reference in the operator
    settings.put("env.API_TOKEN", SecretRoutes.REFERENCE);
    registerOperator("aml", "azureml", settings);
    return "aml";
  }

  /** The stand-in's certificate (PKCS12, password {@code changeit}): what a client trusts. */
  Path keyStore() {
    return standIn.workDir.resolve("standin.p12");
  }

  @Override
  protected void stopPlatform() {
    AzureCredentials.use(null);
    if (previousDefault != null) {
      SSLContext.setDefault(previousDefault);
    }
    if (standIn != null) {
      standIn.close();
    }
  }

  @Override
  protected Map<String, String> cliEnvironment() {
    return Map.of(StandInClientSetup.KEY_STORE_ENV, keyStore().toString());
  }

  @Override
  protected Class<? extends Runnable> cliSetup() {
    return StandInClientSetup.class;
  }

  /** The command job's body the operator sends for the spec. */
  @Override
  protected String resourceRequest(StepSpec spec, OperatorConfig config) {
    return new AzureMlOperator(config).jobBody(spec, "walk", "compute", "environment", Map.of(), Map.of()).toString();
  }

  @Override
  protected ResourceTableWalk.Sample resourceSample(ResourceField field) {
    return field == ResourceField.INSTANCE_TYPE ? new ResourceTableWalk.Sample(StepResources.builder().build(),
        StepResources.builder().instanceType("Standard_E8s_v5").build()) : super.resourceSample(field);
  }

  @Override
  protected Refusal unsupportedResources() {
    return new Refusal("executors=3", "resources.executors");
  }

  @Override
  protected Optional<List<String>> platformLog(RunRecord record) throws Exception {
    return Optional.of(Files.readAllLines(standIn.workDir.resolve(record.platform.get("job") + ".log")));
  }

  @Override
  protected void checkSucceeded(RunRecord record) throws Exception {
    assertEquals(AzureMlOperator.jobName(record.runId), record.platform.get("job"));
    assertTrue(record.logUri.startsWith("https://ml.azure.com/runs/"), record.logUri);
    try (var staged = Files.walk(tmp.resolve("staging"))) {
      assertTrue(staged.anyMatch(p -> p.endsWith("spec.json") && p.toString().contains(record.runId)),
          "a spec past specEnvMaxBytes was uploaded under stagingUri");
    }
  }

  /** The job's cancel was asked for and its process is gone. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    String job = AzureMlOperator.jobName(record.runId);
    assertTrue(standIn.cancelled.containsKey(job), "the job was cancelled on Azure ML");
    Process process = standIn.processes.get(job);
    process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertFalse(process.isAlive(), "the job's process is gone");
    super.assertNothingLeft(record);
  }

  /** Every stored job body but the one entry env.API_TOKEN asked for, which holds the value. */
  @Override
  protected Map<String, String> platformTexts() {
    Map<String, String> stored = new LinkedHashMap<>();
    standIn.bodies.forEach((name, body) -> {
      ObjectNode copy = body.deepCopy();
      ObjectNode env = (ObjectNode) copy.path("properties").path("environmentVariables");
      assertEquals(System.getenv(SecretRoutes.ENV_NAME), env.path("API_TOKEN").asText(),
          "env.API_TOKEN is the container's environment");
      env.remove("API_TOKEN");
      stored.put("job " + name, copy.toString());
    });
    return stored;
  }
}
