package io.sparkstep.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.ExternalStepJar;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step jar built outside this build runs when named by {@code --jars} alone (CLI, embedded default) and by the Java
 * API's {@code jars(...)}; all four sources of user jars collect into one list, and none of them is needed twice.
 */
@Tag("slow")
class UserJarsTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  static Path tmp;
  static Path jar;

  @BeforeAll
  static void buildJar() throws Exception {
    jar = ExternalStepJar.build(tmp.resolve("external"));
  }

  @Test
  void cliRunsAStepFromJarsAloneOnTheEmbeddedDefault() throws Exception {
    CliCall unknown = CliCall.of("steps", ExternalStepJar.ALIAS);
    assertEquals(2, unknown.code(), "not on any class path of this build: " + unknown.all());
    CliCall listed = CliCall.of("steps", "--jars", jar.toString());
    assertTrue(listed.out().contains(ExternalStepJar.ALIAS), listed.all());
    Path out = tmp.resolve("cli-out");
    CliCall run = CliCall.of("run", "--step", ExternalStepJar.ALIAS, "--jars", jar.toString(), "--param", "n=20",
        "--output", "squares=" + out.toUri());
    assertEquals(0, run.code(), run.all());
    assertEquals(ExternalStepJar.expectedRows(20), rows(out));
  }

  @Test
  void javaApiRunsAStepFromJars() throws Exception {
    Path out = tmp.resolve("api-out");
    StepRun run = Sparkstep.operator("local", tmp.resolve("api-home")).jars(jar.toString())
        .step(ExternalStepJar.STEP_CLASS).param("n", 12).output("squares", out.toUri().toString()).submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(2)), () -> run.record().errorMessage());
    assertEquals(ExternalStepJar.expectedRows(12), rows(out));
  }

  @Test
  void everySourceCollectsIntoOneListOnce() throws Exception {
    Path home = tmp.resolve("collect-home");
    Path plugin = Files.createDirectories(home.resolve(UserJars.PLUGINS_DIR)).resolve("plugin.jar");
    Files.copy(jar, plugin);
    Path dir = Files.createDirectories(tmp.resolve("lib"));
    Path inDir = Files.copy(jar, dir.resolve("in-dir.jar"));
    List<String> jars = UserJars.collect(List.of(jar.toString()),
        Map.of(UserJars.CLASSPATH_ENV, dir + "/*:" + jar), jar + ",s3a://bucket/remote.jar", home);
    assertEquals(List.of(jar.toAbsolutePath().toString(), inDir.toString(), "s3a://bucket/remote.jar",
        plugin.toString()), jars);
    assertTrue(UserJars.loader(jars) == UserJars.loader(jars), "one loader per list of jars");
    assertEquals(ExternalStepJar.STEP_CLASS, UserJars.loader(jars).loadClass(ExternalStepJar.STEP_CLASS).getName());
    InvalidSpecException missing = assertThrows(InvalidSpecException.class,
        () -> UserJars.collect(List.of(tmp.resolve("nope.jar").toString()), Map.of(), null, null));
    assertEquals("jars", missing.problems().get(0).field());
  }

  static List<String> rows(Path parquet) {
    return SparkSession.active().read().parquet(parquet.toString()).orderBy("id").collectAsList().stream()
        .map((Row r) -> r.getLong(0) + "," + r.getLong(1)).toList();
  }
}
