package io.sparkstep.flavor.sagemaker;

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

/**
 * The flavor contract on sagemaker: the real AWS SDK v2 client against the SageMaker and CloudWatch Logs stand-in,
 * whose training jobs run the entrypoint as a JVM each. Fresh CLI processes find the credentials where a user's
 * shell has them, in the environment the SDK's default chain reads.
 */
class SageMakerContractTest extends FlavorContractTest {
  private StandInCredentials credentials;
  private SageMakerStandIn standIn;

  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    credentials = StandInCredentials.install();
    standIn = new SageMakerStandIn(tmp.resolve("standin"));
    Map<String, String> settings = standIn.operatorSettings(tmp.resolve("store"));
    // how a container gets a secret value: in its environment, by reference in the operator
    settings.put("env.WAREHOUSE_TOKEN", SecretRoutes.REFERENCE);
    registerOperator("sm", "sagemaker", settings);
    return "sm";
  }

  @Override
  protected void stopPlatform() {
    if (standIn != null) {
      standIn.close();
    }
    if (credentials != null) {
      credentials.close();
    }
  }

  @Override
  protected Map<String, String> cliEnvironment() {
    return StandInCredentials.environment();
  }

  /** The CreateTrainingJob request the operator sends for the spec. */
  @Override
  protected String resourceRequest(StepSpec spec, OperatorConfig config) {
    return TrainingJobRequest.build(TrainingJobRequest.jobName(spec.runId), spec.runId, spec.step, spec.resources,
        config, Map.of()).toString();
  }

  @Override
  protected ResourceTableWalk.Sample resourceSample(ResourceField field) {
    return field == ResourceField.INSTANCE_TYPE ? new ResourceTableWalk.Sample(StepResources.builder().build(),
        StepResources.builder().instanceType("ml.m5.4xlarge").build()) : super.resourceSample(field);
  }

  @Override
  protected Refusal unsupportedResources() {
    return new Refusal("executors=4", "resources.executors");
  }

  @Override
  protected Optional<List<String>> platformLog(RunRecord record) throws Exception {
    return Optional.of(Files.readAllLines(standIn.job(record.platform.get("trainingJobName")).log));
  }

  @Override
  protected void checkSucceeded(RunRecord record) {
    assertEquals(TrainingJobRequest.jobName(record.runId), record.platform.get("trainingJobName"));
    String specUri = standIn.calls("CreateTrainingJob").stream()
        .filter(c -> c.body().path("TrainingJobName").asText().equals(record.platform.get("trainingJobName")))
        .findFirst().orElseThrow().body().at("/Environment/SPARKSTEP_SPEC_URI").asText();
    assertTrue(specUri.startsWith("file:"), "a spec past 512 characters goes by URI into the spec store: " + specUri);
  }

  @Override
  protected void checkFailed(RunRecord record) {
    assertTrue(String.valueOf(record.platform.get("failureReason")).contains("AlgorithmError"),
        "SageMaker's FailureReason is kept next to the step's own error: " + record.platform);
  }

  /** StopTrainingJob was asked once, the job is Stopped and its container process gone. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    String jobName = TrainingJobRequest.jobName(record.runId);
    assertEquals(1, standIn.calls("StopTrainingJob").stream()
        .filter(c -> c.body().path("TrainingJobName").asText().equals(jobName)).count());
    assertFalse(standIn.job(jobName).process.isAlive(), "the job's process is gone");
    assertEquals("Stopped", standIn.job(jobName).status);
    super.assertNothingLeft(record);
  }

  /** Every stored request but the one entry the operator's env.WAREHOUSE_TOKEN asked for, which holds the value. */
  @Override
  protected Map<String, String> platformTexts() {
    Map<String, String> stored = new LinkedHashMap<>();
    for (SageMakerStandIn.Call call : standIn.allCalls()) {
      ObjectNode body = call.body().deepCopy();
      if (body.path("Environment").isObject()) {
        assertEquals(System.getenv(SecretRoutes.ENV_NAME), body.path("Environment").path("WAREHOUSE_TOKEN").asText(),
            "env.WAREHOUSE_TOKEN is the container's environment");
        ((ObjectNode) body.path("Environment")).remove("WAREHOUSE_TOKEN");
      }
      stored.merge(call.operation() + " requests", body.toString(), String::concat);
    }
    return stored;
  }
}
