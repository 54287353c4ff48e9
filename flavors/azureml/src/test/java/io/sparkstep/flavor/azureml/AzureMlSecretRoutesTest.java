package io.sparkstep.flavor.azureml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.credential.AccessToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.FlavorRegistry;
import io.sparkstep.testing.SecretRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * One secret through every route on the azureml flavor (see {@link SecretRoutes}), against the ARM jobs stand-in:
 * operator conf and run conf by reference (the operator's conf.* used to be resolved into the job's spec), a literal
 * refused before the job is created, the step's log, output and exception, the job's log copied back. The one place
 * the value may be is the container's environment entry the operator's env.* setting asked for.
 */
class AzureMlSecretRoutesTest {
  static final String CONF_KEY = "spark.hadoop.fs.s3a.secret.key";
  @TempDir
  static Path tmp;
  static AzureMlStandIn standIn;
  static SSLContext previousDefault;
  static String previousHome;

  @BeforeAll
  static void start() throws Exception {
    standIn = new AzureMlStandIn(Files.createDirectories(tmp.resolve("standin")));
    previousDefault = SSLContext.getDefault();
    SSLContext.setDefault(standIn.clientContext);
    AzureCredentials.use(request -> Mono.just(new AccessToken("secret-routes-bearer", OffsetDateTime.now()
        .plusHours(1))));
    previousHome = System.getProperty("sparkstep.home");
    System.setProperty("sparkstep.home", tmp.resolve("home").toString());
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("endpoint", standIn.endpoint());
    settings.put("subscriptionId", "00000000-0000-0000-0000-000000000001");
    settings.put("resourceGroup", "rg-ml");
    settings.put("workspace", "ws-sparkstep");
    settings.put("compute", "cpu-cluster");
    settings.put("environment", "azureml:sparkstep:1");
    settings.put("stagingUri", tmp.resolve("staging").toUri().toString());
    settings.put("pollMillis", "300");
    settings.put("env.API_TOKEN", SecretRoutes.REFERENCE);
    settings.put("conf." + CONF_KEY, SecretRoutes.REFERENCE);
    new OperatorStore(tmp.resolve("home"), new FlavorRegistry()).register("aml", "azureml", settings, false);
  }

  @AfterAll
  static void stop() {
    AzureCredentials.use(null);
    SSLContext.setDefault(previousDefault);
    standIn.close();
    if (previousHome == null) {
      System.clearProperty("sparkstep.home");
    } else {
      System.setProperty("sparkstep.home", previousHome);
    }
  }

  @Test
  void secretThroughEveryRouteIsNowhere() throws Exception {
    try (SecretRoutes routes = new SecretRoutes(tmp.resolve("home"))) {
      int creates = standIn.creates.get();
      routes.literalConfIsRefused("aml", tmp.resolve("out/literal").toUri().toString());
      assertEquals(creates, standIn.creates.get(), "nothing was submitted");

      // the job's std_log.txt is copied back: the run's log shows the step read the secret, scrubbed
      routes.runLeakingStep("aml", "secret-aml", CONF_KEY, tmp.resolve("out/leaking").toUri().toString(), true,
          "--conf", "spark.sparkstep.test.password=" + SecretRoutes.REFERENCE);

      Map<String, String> stored = new LinkedHashMap<>();
      standIn.bodies.forEach((job, body) -> {
        ObjectNode copy = body.deepCopy();
        ObjectNode env = (ObjectNode) copy.path("properties").path("environmentVariables");
        assertEquals(routes.secret, env.path("API_TOKEN").asText(), "env.API_TOKEN is the container's environment");
        env.remove("API_TOKEN");
        stored.put("job " + job, copy.toString());
      });
      routes.assertNowhere(List.of(tmp), stored);
    }
  }
}
