package io.sparkstep.flavor.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real AWS SDK v2 client against a SageMaker stand-in on 127.0.0.1 that runs our entrypoint as a JVM: the
 * request a step becomes (after a throttled create), a refused create, a refused spec, a create whose answer was
 * lost, and no credential in any file written. What every flavor does (fail, cancel, detach, secrets) is
 * {@link SageMakerContractTest}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class SageMakerFlavorTest {
  private static final String ACCESS_KEY = StandInCredentials.ACCESS_KEY;
  private static final String SECRET_KEY = StandInCredentials.SECRET_KEY;
  private static final String OPERATOR = "sm";

  @TempDir
  static Path tmp;
  static Path home;
  static SageMakerStandIn standIn;
  static StandInCredentials credentials;

  @BeforeAll
  static void start() throws IOException {
    credentials = StandInCredentials.install();
    home = tmp.resolve("home");
    standIn = new SageMakerStandIn(tmp.resolve("standin"));
    Map<String, String> settings = standIn.operatorSettings(tmp.resolve("store"));
    settings.put("subnets", "subnet-0a1b2c3d,subnet-4e5f6a7b");
    settings.put("securityGroups", "sg-0123abcd");
    settings.put("tag.team", "data");
    new OperatorStore(home, new FlavorRegistry()).register(OPERATOR, "sagemaker", settings, true);
  }

  @AfterAll
  static void stop() {
    if (standIn != null) {
      standIn.close();
    }
    if (credentials != null) {
      credentials.close();
    }
  }

  @Test
  @Order(1)
  void flavorIsFoundWithItsSettings() {
    var flavor = new FlavorRegistry().get("sagemaker");
    assertTrue(flavor.options().stream().anyMatch(o -> o.key().equals("roleArn") && o.required()));
  }

  @Test
  @Order(2)
  void sampleStepRunsEndToEndAfterAThrottledCreate() throws Exception {
    standIn.failNext("CreateTrainingJob", 429, "ThrottlingException", "Rate exceeded");
    Path trips = tmp.resolve("data/trips");
    Path zones = tmp.resolve("data/zones");
    StepRun run = Sparkstep.operator(OPERATOR, home).step("generate-trips")
        .param("rows", 2000).param("partitions", 2)
        .output("trips", trips.toUri().toString()).output("zones", zones.toUri().toString())
        .resources(StepResources.builder().cpu(4).memory("16g").diskGb(50).maxRuntimeSeconds(3600).build())
        .submit();
    List<RunState> seen = Collections.synchronizedList(new ArrayList<>());
    run.addListener(r -> seen.add(r.record().state()));
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(3)), () -> "log:\n" + readLog(run.id()));

    // the throttled create was retried by the SDK, with the same request
    List<SageMakerStandIn.Call> creates = standIn.calls("CreateTrainingJob");
    assertEquals(2, creates.size());
    JsonNode request = creates.get(1).body();
    assertEquals("ml.m5.xlarge", request.at("/ResourceConfig/InstanceType").asText());
    assertEquals(1, request.at("/ResourceConfig/InstanceCount").asInt());
    assertEquals(50, request.at("/ResourceConfig/VolumeSizeInGB").asInt());
    assertEquals(3600, request.at("/StoppingCondition/MaxRuntimeInSeconds").asInt());
    assertEquals("File", request.at("/AlgorithmSpecification/TrainingInputMode").asText());
    assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/sparkstep:test",
        request.at("/AlgorithmSpecification/TrainingImage").asText());
    assertEquals("subnet-4e5f6a7b", request.at("/VpcConfig/Subnets/1").asText());
    assertEquals("sg-0123abcd", request.at("/VpcConfig/SecurityGroupIds/0").asText());
    assertEquals("s3://sparkstep-test/output", request.at("/OutputDataConfig/S3OutputPath").asText());
    String tags = request.path("Tags").toString();
    assertTrue(tags.contains("\"team\"") && tags.contains(run.id()), tags);
    // a real spec is longer than an environment value may be: it went by URI into the spec store
    String specUri = request.at("/Environment/SPARKSTEP_SPEC_URI").asText();
    assertTrue(specUri.startsWith("file:") && Files.exists(Path.of(java.net.URI.create(specUri))), specUri);
    assertTrue(request.at("/Environment/SPARKSTEP_SPEC").isMissingNode());
    assertTrue(creates.get(1).authorization().contains("Credential=" + ACCESS_KEY + "/"),
        "the SDK signed with the default chain's credentials");

    RunRecord record = new RunStore(home).load(run.id()).orElseThrow();
    assertEquals(RunState.SUCCEEDED, record.state);
    assertEquals(2000L, record.outputs.get("trips").rows);
    assertTrue(record.outputs.get("trips").committed);
    try (Stream<Path> files = Files.list(trips)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")), "parquet files in " + trips);
    }
    assertEquals(TrainingJobRequest.jobName(run.id()), record.platform.get("trainingJobName"));
    assertEquals("/aws/sagemaker/TrainingJobs", record.platform.get("logGroup"));
    String cursor = Files.readString(new RunStore(home).logFile(run.id()).resolveSibling(".driver.log.cursor"));
    assertTrue(cursor.contains("token\\:" + record.platform.get("trainingJobName") + "/algo-1-"),
        "the log cursor is persisted per stream, next to the log: " + cursor);
    assertTrue(record.logUri.startsWith("https://us-east-1.console.aws.amazon.com/cloudwatch/"), record.logUri);
    assertTrue(seen.contains(RunState.RUNNING) && seen.get(seen.size() - 1) == RunState.SUCCEEDED, seen.toString());

    // the container's output reached the local log through CloudWatch, and a later process can read it
    StepRun attached = new StepSubmitter(home, new FlavorRegistry()).attach(run.id());
    List<String> lines;
    try (Stream<String> logs = attached.logs(false)) {
      lines = logs.collect(Collectors.toList());
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("generate-trips") || l.contains("GenerateTrips")),
        "log lines: " + lines.size());
    assertEquals(RunState.SUCCEEDED, attached.state());
  }

  @Test
  @Order(5)
  void refusedCreateIsInvalidInputInOneLineAndNotRetried() throws Exception {
    int before = standIn.calls("CreateTrainingJob").size();
    standIn.failNext("CreateTrainingJob", 400, "ValidationException",
        "The requested resource type ml.m5.xlarge is not available in this region");
    // a 400 ValidationException is bad input (the CLI exits 2 on InvalidSpecException), as on vertex and azureml
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Sparkstep.operator(OPERATOR, home)
        .step("generate-trips").param("rows", 10).output("trips", tmp.resolve("data/x1").toUri().toString())
        .output("zones", tmp.resolve("data/x2").toUri().toString()).runId("refused-1").submit());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("ValidationException") && e.getMessage().contains("not available"),
        e.getMessage());
    assertEquals(before + 1, standIn.calls("CreateTrainingJob").size(), "a 400 is not retried");
    RunRecord record = new RunStore(home).load("refused-1").orElseThrow();
    assertEquals(RunState.FAILED, record.state);
  }

  @Test
  @Order(6)
  void resourcesThatCannotMapAreRefusedBeforeAnyCall() {
    int before = standIn.allCalls().size();
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Sparkstep.operator(OPERATOR, home)
        .step("generate-trips").output("trips", tmp.resolve("data/y1").toUri().toString())
        .output("zones", tmp.resolve("data/y2").toUri().toString())
        .resources(StepResources.builder().executors(4).executorMemory("8g").cpu(500).build())
        .submit());
    List<String> fields = e.problems().stream().map(p -> p.field()).toList();
    assertTrue(fields.containsAll(List.of("resources.executors", "resources.executorMemory", "resources")), fields
        .toString());
    assertEquals(before, standIn.allCalls().size(), "nothing reached SageMaker");
  }

  @Test
  @Order(7)
  void badOperatorSettingsAreRefused() {
    var flavor = new FlavorRegistry().get("sagemaker");
    List<String> fields = new FlavorRegistry().validate(flavor, Map.of("roleArn", "my-role", "image", "x",
        "outputPath", "/local/out", "subnets", "subnet-1")).stream().map(p -> p.field()).toList();
    // Each value's own rule (the declaration's) and the rule across settings (the flavor's), in one pass.
    assertEquals(3, fields.size(), fields.toString());
    assertEquals(java.util.Set.of("roleArn", "outputPath", "securityGroups"), java.util.Set.copyOf(fields));
  }

  @Test
  @Order(9)
  void createWhoseAnswerWasLostIsAdoptedNotDuplicated() throws Exception {
    int before = standIn.calls("CreateTrainingJob").size();
    standIn.failNext("CreateTrainingJob", 500, SageMakerStandIn.ACCEPT_THEN_FAIL, "We encountered an internal error.");
    StepRun run = Sparkstep.operator(OPERATOR, home).step("generate-trips").param("rows", 200)
        .output("trips", tmp.resolve("data/lost-trips").toUri().toString())
        .output("zones", tmp.resolve("data/lost-zones").toUri().toString()).submit();
    assertEquals(2, standIn.calls("CreateTrainingJob").size() - before, "the SDK retried the 500");
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(2)));
    assertEquals(200L, new RunStore(home).load(run.id()).orElseThrow().outputs.get("trips").rows);
  }

  /** A user's own step jar is staged in the spec store; the container fetches and loads it, executors included. */
  @Test
  @Order(50)
  void externalStepJarIsStagedInTheSpecStoreAndRunsInTheContainer() throws Exception {
    Path jar = io.sparkstep.testing.ExternalStepJar.build(tmp.resolve("external"));
    StepRun run = io.sparkstep.testing.ExternalStepRuns.assertRunsWithItsRows(OPERATOR, home, jar,
        tmp.resolve("data/squares"), 20, Duration.ofMinutes(2), s -> s);
    String specUri = standIn.calls("CreateTrainingJob").get(standIn.calls("CreateTrainingJob").size() - 1).body()
        .at("/Environment/SPARKSTEP_SPEC_URI").asText();
    String spec = Files.readString(Path.of(java.net.URI.create(specUri)));
    Path staged = tmp.resolve("store/jars/" + io.sparkstep.spi.remote.JarStaging.stagedName(jar));
    assertTrue(spec.contains("/store/jars/" + staged.getFileName() + "\"") && Files.exists(staged),
        run.id() + ": the container's spec names the staged jar " + staged + ": " + spec);
    assertFalse(spec.contains("\"" + jar + "\""), "no path of this machine in the container's spec: " + spec);
    io.sparkstep.testing.ExternalStepRuns.assertMissingJarRefused(OPERATOR, home, tmp);
  }

  @Test
  @Order(100)
  void noCredentialInAnyFileWritten() throws IOException {
    List<Path> offenders = new ArrayList<>();
    int[] checked = {0};
    try (Stream<Path> files = Files.walk(tmp)) {
      files.filter(Files::isRegularFile).forEach(p -> {
        try {
          String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
          checked[0]++;
          if (text.contains(SECRET_KEY) || text.contains(ACCESS_KEY)) {
            offenders.add(p);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    assertTrue(checked[0] > 10, "records, specs, logs and outputs were checked: " + checked[0]);
    assertTrue(offenders.isEmpty(), "credentials found in " + offenders);
  }

  private static String readLog(String runId) {
    try {
      return Files.readString(new RunStore(home).logFile(runId));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
