package io.sparkstep.flavor.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.EntrypointContract;
import com.google.cloud.aiplatform.v1.ContainerSpec;
import com.google.cloud.aiplatform.v1.CreateCustomJobRequest;
import com.google.cloud.aiplatform.v1.JobState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.api.StepResources;
import io.sparkstep.runtime.StepEntrypoint;
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
 * The flavor contract on vertex: the real JobServiceClient and Cloud Logging client against {@link VertexStandIn}
 * on 127.0.0.1 (plaintext, no credentials), whose custom jobs run the entrypoint as a JVM each.
 */
class VertexContractTest extends FlavorContractTest {
  private VertexStandIn standIn;

  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    standIn = new VertexStandIn(Files.createDirectories(tmp.resolve("container-logs")));
    Map<String, String> settings = standIn.operatorSettings(tmp.resolve("staging"));
    // how a container gets a secret value: in its environment, by reference in the operator
    settings.put("env.WAREHOUSE_TOKEN", SecretRoutes.REFERENCE);
    registerOperator("vx", "vertex", settings);
    return "vx";
  }

  @Override
  protected void stopPlatform() throws Exception {
    if (standIn != null) {
      standIn.close();
    }
  }

  /** The custom job the operator creates for the spec. */
  @Override
  protected String resourceRequest(StepSpec spec, OperatorConfig config) {
    return CustomJobRequest.build(spec, new VertexSettings(config), Map.of()).toString();
  }

  @Override
  protected ResourceTableWalk.Sample resourceSample(ResourceField field) {
    StepResources none = StepResources.builder().build();
    return switch (field) {
      // the smallest machine of the table has 4 vCPUs and 16 GB: a request past it
      case CPU -> new ResourceTableWalk.Sample(none, StepResources.builder().cpu(8).build());
      case MEMORY -> new ResourceTableWalk.Sample(none, StepResources.builder().memory("32g").build());
      case INSTANCE_TYPE -> new ResourceTableWalk.Sample(none, StepResources.builder().instanceType("n1-standard-8")
          .build());
      default -> super.resourceSample(field);
    };
  }

  @Override
  protected Refusal unsupportedResources() {
    return new Refusal("executors=4", "resources.executors");
  }

  @Override
  protected Optional<List<String>> platformLog(RunRecord record) throws Exception {
    String job = record.platform.get("jobName");
    return Optional.of(Files.readAllLines(tmp.resolve("container-logs")
        .resolve(job.substring(job.lastIndexOf('/') + 1) + ".log")));
  }

  @Override
  protected void checkSucceeded(RunRecord record) {
    assertTrue(record.platform.get("jobName").startsWith("projects/sparkstep-test/locations/us-central1/"),
        record.platform.toString());
    Map<String, String> env = new LinkedHashMap<>();
    create(record).getCustomJob().getJobSpec().getWorkerPoolSpecs(0).getContainerSpec().getEnvList()
        .forEach(v -> env.put(v.getName(), v.getValue()));
    assertFalse(env.containsKey(EntrypointContract.SPEC_ENV), "a spec past the inline limit is not inline");
    assertTrue(env.get(EntrypointContract.SPEC_URI_ENV).endsWith("/runs/" + record.runId + "/spec.json"), env.toString());
  }

  private CreateCustomJobRequest create(RunRecord record) {
    synchronized (standIn.creates) {
      // the run's directory, in the container's environment, names the run
      return standIn.creates.stream().filter(c -> c.getCustomJob().getJobSpec().getWorkerPoolSpecs(0)
          .getContainerSpec().getEnvList().stream().anyMatch(v -> v.getName().equals(EntrypointContract.RUN_DIR_ENV)
              && v.getValue().contains(record.runId))).findFirst().orElseThrow();
    }
  }

  /** The job was cancelled on Vertex and its container process is gone. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    VertexStandIn.Job job = standIn.job(record.platform.get("jobName"));
    assertFalse(job.process.isAlive(), "the container process is gone");
    eventually("the job is CANCELLED on Vertex", java.time.Duration.ofSeconds(30),
        () -> job.job.getState() == JobState.JOB_STATE_CANCELLED);
    super.assertNothingLeft(record);
  }

  /** Every stored request but the one entry the operator's env.WAREHOUSE_TOKEN asked for, which holds the value. */
  @Override
  protected Map<String, String> platformTexts() {
    Map<String, String> stored = new LinkedHashMap<>();
    List<CreateCustomJobRequest> requests;
    synchronized (standIn.creates) {
      requests = List.copyOf(standIn.creates);
    }
    for (CreateCustomJobRequest request : requests) {
      CreateCustomJobRequest.Builder copy = request.toBuilder();
      ContainerSpec.Builder container = copy.getCustomJobBuilder().getJobSpecBuilder()
          .getWorkerPoolSpecsBuilder(0).getContainerSpecBuilder();
      assertEquals(System.getenv(SecretRoutes.ENV_NAME), container.getEnvList().stream()
          .filter(e -> e.getName().equals("WAREHOUSE_TOKEN")).findFirst().orElseThrow().getValue(),
          "env.WAREHOUSE_TOKEN is the container's environment");
      var others = container.getEnvList().stream().filter(e -> !e.getName().equals("WAREHOUSE_TOKEN")).toList();
      container.clearEnv().addAllEnv(others);
      stored.merge("CreateCustomJob requests", copy.build().toString(), String::concat);
    }
    return stored;
  }
}
