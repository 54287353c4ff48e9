package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How spark-submit hands the driver its spec: inline parts while it fits; past the limit, a cluster-mode driver (on
 * a worker) gets the URI of a copy staged under stagingUri, a client-mode one (here) a private file of the run's
 * directory; a cluster-mode operator without stagingUri refuses such a spec naming the setting.
 */
class SpecArgumentsTest {
  @TempDir
  Path tmp;

  private static SparkSubmitSettings settings(Map<String, String> extra) {
    Map<String, String> raw = new LinkedHashMap<>(Map.of("master", "spark://127.0.0.1:7077"));
    raw.putAll(extra);
    return new SparkSubmitSettings(new OperatorConfig("t", SparkSubmitFlavor.NAME, raw, SparkSubmitSettings.OPTIONS));
  }

  private static SparkSubmitLaunch launch(SparkSubmitSettings settings) {
    StepSpec spec = new StepSpec();
    spec.runId = "20261203-130000-abcdef";
    spec.step = "generate-trips";
    return new SparkSubmitLaunch(settings, spec, null, null, AcceleratorPlan.none());
  }

  /**
   * A spec over spark-submit's inline limit (1 MiB) in labels of 32 Ki two-byte characters (the validator takes 64 Ki
   * per value), so it stays under the 1 Mi characters a spec may have.
   */
  private static StepSpec largeSpec() {
    StepSpec spec = new StepSpec();
    spec.step = "generate-trips";
    for (int i = 0; i < 20; i++) {
      spec.labels.put("padding" + i, "é".repeat(32 * 1024));
    }
    return spec;
  }

  private static String json(int bytes) {
    return "{\"step\":\"" + "x".repeat(bytes) + "\"}";
  }

  @Test
  void clusterModeStagesASpecPastTheLimitUnderStagingUriAndPassesItsUri() throws Exception {
    String staging = tmp.resolve("shared/staging").toUri().toString();
    SparkSubmitLaunch launch = launch(settings(Map.of("deployMode", "cluster", "stagingUri", staging)));
    Path attemptDir = tmp.resolve("run/driver/attempt-2");
    String large = json(SparkSubmitLaunch.SPEC_CHANNEL.inlineLimitBytes());
    List<String> args = launch.specArguments(attemptDir, large);
    String uri = staging + "/specs/20261203-130000-abcdef-attempt-2.json";
    assertEquals(List.of("--spec", uri), args, "one copy per attempt, under stagingUri/specs/");
    assertEquals(uri, launch.stagedSpecLocation(attemptDir));
    assertEquals(large, Files.readString(Path.of(java.net.URI.create(uri))));
    assertTrue(!Files.exists(attemptDir), "nothing in this machine's run directory for a driver on a worker");

    String small = json(1000);
    assertEquals(SparkSubmitLaunch.SPEC_CHANNEL.inlineArguments(small), launch.specArguments(attemptDir, small),
        "a spec that fits goes inline, in cluster mode too");
  }

  @Test
  void clientModeKeepsASpecPastTheLimitInAPrivateFileOfTheRunDirectory() throws Exception {
    SparkSubmitLaunch launch = launch(settings(Map.of()));
    Path attemptDir = tmp.resolve("run/driver/attempt-1");
    String large = json(SparkSubmitLaunch.SPEC_CHANNEL.inlineLimitBytes());
    List<String> args = launch.specArguments(attemptDir, large);
    Path file = attemptDir.resolve("driver-spec.json");
    assertEquals(List.of("--spec", file.toUri().toString()), args);
    assertEquals(large, Files.readString(file, StandardCharsets.UTF_8));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void clusterModeWithoutStagingUriRefusesASpecPastTheLimitNamingTheSetting() {
    StepSpec spec = largeSpec();
    List<ValidationProblem> problems = new SparkSubmitOperator(settings(Map.of("deployMode", "cluster")))
        .validate(spec);
    assertEquals(List.of("stagingUri"), problems.stream().map(ValidationProblem::field).toList(), problems.toString());
    assertTrue(problems.get(0).hint().contains("set the operator's stagingUri"), problems.toString());

    assertEquals(List.of(), new SparkSubmitOperator(settings(Map.of("deployMode", "cluster", "stagingUri",
        tmp.toUri().toString()))).validate(spec), "staged when stagingUri is set");
    assertEquals(List.of(), new SparkSubmitOperator(settings(Map.of())).validate(spec),
        "a client-mode driver reads it from this machine");
  }
}
