package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.flavor.kubernetes.settings.ScheduleParsing;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names an API server answers with 422 are refused at register, each naming its setting. */
class KubernetesPlatformRulesTest {

  @Test
  void annotationKeysFollowTheQualifiedNameRule() {
    assertEquals(List.of(), ScheduleParsing.annotationProblems("annotation.", Map.of("example.com/owner", "x y")));
    for (String bad : List.of("-bad", "bad-", "a/b/c", "has space", "UPPER.example.com/x", "x".repeat(64))) {
      List<ValidationProblem> problems = ScheduleParsing.annotationProblems("annotation.", Map.of(bad, "1"));
      assertTrue(problems.size() == 1 && problems.get(0).field().equals("annotation." + bad), bad + ": " + problems);
    }
  }

  @Test
  void tolerationValuesAreLabelValues() {
    assertEquals(List.of(), ScheduleParsing.tolerationProblems(List.of("dedicated=spark:NoSchedule")));
    List<ValidationProblem> problems = ScheduleParsing.tolerationProblems(List.of("dedicated=spark jobs:NoSchedule"));
    assertTrue(problems.size() == 1 && problems.get(0).message().contains("value"), problems.toString());
  }

  @Test
  void secretKeyNamesFollowTheApiServer() {
    assertTrue(KubernetesSettings.SECRET_DATA_KEY.matcher("password").matches());
    assertTrue(KubernetesSettings.SECRET_DATA_KEY.matcher("tls.key").matches());
    assertTrue(!KubernetesSettings.SECRET_DATA_KEY.matcher("has space").matches());
    assertTrue(!KubernetesSettings.SECRET_DATA_KEY.matcher("a/b").matches());
  }
}
