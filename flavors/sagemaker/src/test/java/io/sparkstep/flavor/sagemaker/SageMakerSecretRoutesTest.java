package io.sparkstep.flavor.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.FlavorRegistry;
import io.sparkstep.testing.SecretRoutes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One secret through every route on the sagemaker flavor (see {@link SecretRoutes}), against the SageMaker and
 * CloudWatch stand-in: a literal in --conf is refused before CreateTrainingJob; by reference it reaches the container
 * unresolved and is in no file, log, record, command line or stored request. The one place it may be is the
 * container's environment entry the operator's env.* setting asked for: that is how a container gets a value.
 */
class SageMakerSecretRoutesTest {
  @TempDir
  static Path tmp;
  static SageMakerStandIn standIn;
  static final Map<String, String> previous = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    set("aws.accessKeyId", "AKIASTANDINFAKE12345");
    set("aws.secretAccessKey", "standInSecretKey/NeverInAnyFile+0123456789");
    set("sparkstep.home", tmp.resolve("home").toString());
    standIn = new SageMakerStandIn(tmp.resolve("standin"));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("roleArn", "arn:aws:iam::123456789012:role/SparkstepTraining");
    settings.put("image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/sparkstep:test");
    settings.put("outputPath", "s3://sparkstep-test/output");
    settings.put("specStore", tmp.resolve("store").toUri().toString());
    settings.put("region", "us-east-1");
    settings.put("endpoint", standIn.endpoint());
    settings.put("pollMillis", "300");
    settings.put("env.WAREHOUSE_TOKEN", SecretRoutes.REFERENCE);
    new OperatorStore(tmp.resolve("home"), new FlavorRegistry()).register("sm", "sagemaker", settings, true);
  }

  private static void set(String key, String value) {
    previous.put(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  @AfterAll
  static void stop() {
    standIn.close();
    previous.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }

  @Test
  void secretThroughEveryRouteIsNowhere() throws Exception {
    try (SecretRoutes routes = new SecretRoutes(tmp.resolve("home"))) {
      int creates = standIn.calls("CreateTrainingJob").size();
      routes.literalConfIsRefused("sm", tmp.resolve("out/literal").toUri().toString());
      assertEquals(creates, standIn.calls("CreateTrainingJob").size(), "nothing was submitted");

      routes.runLeakingStep("sm", "secret-sm", "spark.hadoop.fs.s3a.secret.key",
          tmp.resolve("out/leaking").toUri().toString(), true, "--conf", "spark.hadoop.fs.s3a.secret.key=" + SecretRoutes.REFERENCE);

      Map<String, String> stored = new LinkedHashMap<>();
      for (SageMakerStandIn.Call call : standIn.allCalls()) {
        ObjectNode body = call.body().deepCopy();
        if (body.path("Environment").isObject()) {
          assertEquals(routes.secret, body.path("Environment").path("WAREHOUSE_TOKEN").asText(),
              "env.WAREHOUSE_TOKEN is the container's environment");
          ((ObjectNode) body.path("Environment")).remove("WAREHOUSE_TOKEN");
        }
        stored.merge(call.operation() + " requests", body.toString(), String::concat);
      }
      routes.assertNowhere(List.of(tmp), stored);
    }
  }
}
