package io.sparkstep.flavor.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.aiplatform.v1.ContainerSpec;
import com.google.cloud.aiplatform.v1.CreateCustomJobRequest;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.FlavorRegistry;
import io.sparkstep.testing.SecretRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One secret through every route on the vertex flavor (see {@link SecretRoutes}), against the Vertex and Cloud
 * Logging stand-in: operator conf and run conf by reference, a literal refused before CreateCustomJob, the step's
 * log, output and exception, the container log copied back. The one place the value may be is the container's
 * environment entry the operator's env.* setting asked for.
 */
class VertexSecretRoutesTest {
  static final String CONF_KEY = "spark.hadoop.fs.s3a.secret.key";
  @TempDir
  static Path dir;
  static VertexStandIn standIn;
  static String previousHome;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(dir.resolve("container-logs"));
    standIn = new VertexStandIn(dir.resolve("container-logs"));
    previousHome = System.getProperty("sparkstep.home");
    System.setProperty("sparkstep.home", dir.resolve("home").toString());
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("project", "sparkstep-test");
    settings.put("location", "us-central1");
    settings.put("image", "us-docker.pkg.dev/sparkstep-test/steps/sparkstep:0.1.0");
    settings.put("stagingUri", dir.resolve("staging").toUri().toString());
    settings.put("endpoint", standIn.endpoint());
    settings.put("loggingEndpoint", standIn.endpoint());
    settings.put("plaintext", "true");
    settings.put("pollMillis", "300");
    settings.put("env.WAREHOUSE_TOKEN", SecretRoutes.REFERENCE);
    settings.put("conf." + CONF_KEY, SecretRoutes.REFERENCE);
    new OperatorStore(dir.resolve("home"), new FlavorRegistry()).register("vx", "vertex", settings, true);
  }

  @AfterAll
  static void stop() throws Exception {
    standIn.close();
    if (previousHome == null) {
      System.clearProperty("sparkstep.home");
    } else {
      System.setProperty("sparkstep.home", previousHome);
    }
  }

  @Test
  void secretThroughEveryRouteIsNowhere() throws Exception {
    try (SecretRoutes routes = new SecretRoutes(dir.resolve("home"))) {
      int creates = standIn.createCalls.get();
      routes.literalConfIsRefused("vx", dir.resolve("out/literal").toUri().toString());
      assertEquals(creates, standIn.createCalls.get(), "nothing was submitted");

      routes.runLeakingStep("vx", "secret-vx", CONF_KEY, dir.resolve("out/leaking").toUri().toString(), true,
          "--conf", "spark.sparkstep.test.password=" + SecretRoutes.REFERENCE);

      Map<String, String> stored = new LinkedHashMap<>();
      List<CreateCustomJobRequest> requests;
      synchronized (standIn.creates) {
        requests = List.copyOf(standIn.creates);
      }
      for (CreateCustomJobRequest request : requests) {
        CreateCustomJobRequest.Builder copy = request.toBuilder();
        ContainerSpec.Builder container = copy.getCustomJobBuilder().getJobSpecBuilder()
            .getWorkerPoolSpecsBuilder(0).getContainerSpecBuilder();
        assertEquals(routes.secret, container.getEnvList().stream().filter(e -> e.getName().equals("WAREHOUSE_TOKEN"))
            .findFirst().orElseThrow().getValue(), "env.WAREHOUSE_TOKEN is the container's environment");
        var others = container.getEnvList().stream().filter(e -> !e.getName().equals("WAREHOUSE_TOKEN")).toList();
        container.clearEnv().addAllEnv(others);
        stored.merge("CreateCustomJob requests", copy.build().toString(), String::concat);
      }
      routes.assertNowhere(List.of(dir), stored);
    }
  }
}
