package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.ExternalStepJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step jar built outside this build, on the real standalone cluster: named only by the operator's {@code jars}
 * (client mode) or only by {@code SPARKSTEP_CLASSPATH} in a fresh CLI process (cluster mode; the Java API's
 * {@code jars(...)} lands in the same spec field, UserJarsTest); both ship it by {@code spark.jars} and
 * nothing but Spark's jars sits in the assembled Spark home (the user's jar there broke the driver with
 * NoClassDefFoundError: io/sparkstep/api/Step).
 */
@ExtendWith(StandaloneClusterExtension.class)
@Tag("slow")
class ExternalStepJarClusterTest {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);
  @TempDir
  static Path tmp;
  static Path jar;

  @BeforeAll
  static void buildJar() throws Exception {
    jar = ExternalStepJar.build(tmp.resolve("external"));
  }

  @Test
  void clientModeFindsTheStepByTheOperatorsJarsAlone() throws Exception {
    String op = StandaloneClusterExtension.operator("ext-client", "client", Map.of("jars", jar.toString()));
    Path out = tmp.resolve("client-out");
    StepRun run = Sparkstep.operator(op, StandaloneClusterExtension.home()).step(ExternalStepJar.ALIAS)
        .param("n", 30).output("squares", out.toUri().toString()).submit();
    assertEquals(RunState.SUCCEEDED, run.await(RUN_TIMEOUT), () -> log(run));
    assertEquals(ExternalStepJar.expectedRows(30), rows(out));
    assertSparkHomeHoldsSparkOnly();
  }

  /**
   * As a user runs it: {@code SPARKSTEP_CLASSPATH=my.jar sparkstep run} in a fresh CLI process, cluster mode, the
   * jar named nowhere else; a jar on it that does not exist is refused in one line, exit 2.
   */
  @Test
  void clusterModeRunsTheStepFromSparkstepClasspathInTheCli() throws Exception {
    String op = StandaloneClusterExtension.operator("ext-cluster-env", "cluster", Map.of());
    Path out = tmp.resolve("env-out");
    io.sparkstep.testing.CliProcess run = io.sparkstep.testing.CliProcess.run(StandaloneClusterExtension.home(),
        RUN_TIMEOUT, Map.of("SPARKSTEP_CLASSPATH", jar.toString()), "run", "--operator", op,
        "--step", ExternalStepJar.ALIAS, "--param", "n=12", "--output", "squares=" + out.toUri());
    assertEquals(0, run.code(), run.all());
    assertEquals(ExternalStepJar.expectedRows(12), rows(out));

    Path missing = tmp.resolve("gone.jar");
    io.sparkstep.testing.CliProcess refused = io.sparkstep.testing.CliProcess.run(StandaloneClusterExtension.home(),
        RUN_TIMEOUT, Map.of("SPARKSTEP_CLASSPATH", missing.toString()), "run", "--operator", op,
        "--step", ExternalStepJar.ALIAS, "--output", "squares=" + tmp.resolve("never").toUri());
    assertEquals(2, refused.code(), refused.all());
    assertTrue(refused.err().contains(missing.toString()) && refused.err().contains("does not exist"), refused.all());
    assertFalse(Files.exists(tmp.resolve("never")));
  }

  private static void assertSparkHomeHoldsSparkOnly() throws Exception {
    Set<String> spark = SparkDistribution.sparkJarNames();
    try (Stream<Path> homes = Files.list(StandaloneClusterExtension.home().resolve("spark-dist"))) {
      for (Path home : homes.filter(h -> h.getFileName().toString().startsWith("spark-")).toList()) {
        try (Stream<Path> jars = Files.list(home.resolve("jars"))) {
          List<String> names = jars.map(j -> j.getFileName().toString()).toList();
          assertTrue(names.stream().anyMatch(n -> n.startsWith("spark-core_")), names.toString());
          assertFalse(names.stream().anyMatch(n -> n.startsWith("sparkstep-") || n.startsWith("junit")), names.toString());
          assertTrue(spark.containsAll(names), "only Spark's own jars: " + names);
        }
      }
    }
  }

  private static List<String> rows(Path parquet) {
    return SparkSession.builder().master("local[1]").getOrCreate().read().parquet(parquet.toString()).orderBy("id")
        .collectAsList().stream().map((Row r) -> r.getLong(0) + "," + r.getLong(1)).toList();
  }

  private static String log(StepRun run) {
    try {
      return "log:\n" + Files.readString(new RunStore(StandaloneClusterExtension.home()).logFile(run.id()));
    } catch (Exception e) {
      return run.record().errorMessage();
    }
  }
}
