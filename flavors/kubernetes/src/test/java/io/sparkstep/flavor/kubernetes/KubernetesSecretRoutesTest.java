package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.sparkstep.testing.CliCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets on the kubernetes flavor: a literal secret in a run's Spark conf is refused before anything reaches the
 * API server (it would land in the driver's spark.properties config map and arguments); a secret by reference
 * (a Kubernetes Secret through secretEnv, an ${ENV} reference resolved in the driver) runs, and its value is in no
 * stored object (pods, config maps, services, secrets), no file under the home and no CLI output.
 */
@Tag("slow")
class KubernetesSecretRoutesTest {
  static final String NS = "secret-jobs";
  static final String ENV_SECRET = System.getenv("SPARKSTEP_TEST_SECRET");
  static final String LITERAL = "lit-" + UUID.randomUUID();
  @RegisterExtension
  static final StandInCluster cluster = StandInCluster.apiServer(NS);

  @BeforeAll
  static void registerOperator() {
    CliCall register = cluster.register("k8s", "secretEnv.S3_SECRET=lake-creds:secret-key");
    assertEquals(0, register.code(), register.all());
  }

  @Test
  void literalSecretConfIsRefusedBeforeTheClusterIsTouched() {
    cluster.api().requests.clear();
    CliCall run = CliCall.of("run", "--operator", "k8s", "--step", "generate-trips", "--param", "rows=10",
        "--conf", "spark.hadoop.fs.s3a.secret.key=" + LITERAL,
        "--output", "trips=s3a://lake/t", "--output", "zones=s3a://lake/z");
    assertEquals(2, run.code(), run.all());
    assertTrue(run.err().contains("sparkConf.spark.hadoop.fs.s3a.secret.key") && run.err().contains("config map"),
        run.err());
    assertFalse(run.all().contains(LITERAL), "the refusal does not echo the secret");
    assertTrue(cluster.api().writes().stream().allMatch(w -> w.startsWith("DELETE")), "nothing submitted: " + cluster.api().writes());
  }

  @Test
  void secretsByReferenceRunAndAreInNoStoredObjectOrFile() throws IOException {
    assertTrue(ENV_SECRET != null && ENV_SECRET.length() > 8, "surefire sets SPARKSTEP_TEST_SECRET");
    List<CliCall> calls = new ArrayList<>();
    CliCall run = CliCall.of("run", "--operator", "k8s", "--detach", "--step", "generate-trips", "--param", "rows=10",
        "--conf", "spark.hadoop.fs.s3a.secret.key=${S3_SECRET}",
        "--conf", "spark.hadoop.fs.s3a.access.key=${SPARKSTEP_TEST_SECRET}",
        "--output", "trips=s3a://lake/t2", "--output", "zones=s3a://lake/z2");
    assertEquals(0, run.code(), run.all());
    calls.add(run);
    Matcher id = Pattern.compile("(\\d{8}-\\d{6}-[0-9a-f]{6})").matcher(run.all());
    assertTrue(id.find(), run.all());
    calls.add(CliCall.of("runs", "status", id.group(1), "--json"));
    calls.add(CliCall.of("operator", "describe", "k8s"));
    String stored = Serialization.asJson(cluster.client().pods().inAnyNamespace().list())
        + Serialization.asJson(cluster.client().configMaps().inAnyNamespace().list())
        + Serialization.asJson(cluster.client().services().inAnyNamespace().list())
        + Serialization.asJson(cluster.client().secrets().inAnyNamespace().list());
    assertTrue(stored.contains("lake-creds"), "the driver refers to the Kubernetes Secret");
    assertTrue(stored.contains("${SPARKSTEP_TEST_SECRET}"), "the reference travels unresolved to the driver");
    assertFalse(stored.contains(ENV_SECRET), "a stored Kubernetes object holds the secret");
    for (CliCall call : calls) {
      assertFalse(call.all().contains(ENV_SECRET), "secret in CLI output: " + call.all());
    }
    try (Stream<Path> files = Files.walk(cluster.home())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(ENV_SECRET),
            "secret written to " + file);
      }
    }
    CliCall.of("runs", "cancel", id.group(1), "--wait", "PT20S");
  }
}
