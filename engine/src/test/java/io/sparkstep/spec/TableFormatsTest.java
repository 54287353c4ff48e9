package io.sparkstep.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.ValidationProblem;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table formats' checks before anything starts: their jars, and time travel only where it means something. */
class TableFormatsTest {
  /** A loader with the JDK only: neither format's jar. */
  private static final ClassLoader WITHOUT_JARS = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
  private static final ClassLoader WITH_JARS = TableFormatsTest.class.getClassLoader();

  private static List<ValidationProblem> problems(String format, boolean output, ClassLoader loader,
                                                  String... options) {
    ArtifactSpec artifact = new ArtifactSpec("file:/data/t", format, null);
    for (int i = 0; i < options.length; i += 2) {
      artifact.options.put(options[i], options[i + 1]);
    }
    List<ValidationProblem> problems = new ArrayList<>();
    TableFormats.check("inputs.t", artifact, Format.parse(format), output, loader, problems);
    return problems;
  }

  @Test
  void aTableFormatWithoutItsJarIsRefusedNamingTheJarAndTheFix() {
    List<ValidationProblem> delta = problems("delta", false, WITHOUT_JARS);
    assertEquals(1, delta.size(), delta.toString());
    assertEquals("inputs.t.format", delta.get(0).field());
    assertTrue(delta.get(0).message().contains("delta-spark_4.1_2.13-4.1.0.jar"), delta.get(0).message());
    assertTrue(delta.get(0).hint().contains("SPARKSTEP_CLASSPATH"), delta.get(0).hint());
    List<ValidationProblem> iceberg = problems("iceberg", true, WITHOUT_JARS);
    assertTrue(iceberg.get(0).message().contains("iceberg-spark-runtime-4.1_2.13-1.11.0.jar"), iceberg.toString());
    assertTrue(problems("parquet", false, WITHOUT_JARS).isEmpty(), "a file format needs no jar");
    assertTrue(problems("delta", false, WITH_JARS).isEmpty(), "the test class path has Delta");
    assertTrue(problems("iceberg", false, WITH_JARS).isEmpty(), "and Iceberg");
  }

  @Test
  void timeTravelIsForTableInputsOfItsOwnFormat() {
    assertTrue(problems("delta", false, WITH_JARS, "versionAsOf", "3").isEmpty());
    assertTrue(problems("delta", false, WITH_JARS, "timestampAsOf", "2026-01-01 00:00:00").isEmpty());
    assertTrue(problems("iceberg", false, WITH_JARS, "snapshot-id", "12345").isEmpty());
    assertTrue(problems("iceberg", false, WITH_JARS, "versionAsOf", "12345").isEmpty());

    List<ValidationProblem> onParquet = problems("parquet", false, WITH_JARS, "versionAsOf", "3");
    assertEquals("inputs.t.options.versionAsOf", onParquet.get(0).field(), onParquet.toString());
    List<ValidationProblem> onOutput = problems("delta", true, WITH_JARS, "versionAsOf", "3");
    assertEquals(1, onOutput.size(), onOutput.toString());
    assertTrue(onOutput.get(0).message().contains("inputs only"), onOutput.toString());
    assertEquals("inputs.t.options.snapshot-id",
        problems("delta", false, WITH_JARS, "snapshot-id", "1").get(0).field());
    assertEquals("inputs.t.options.snapshot-id",
        problems("iceberg", false, WITH_JARS, "snapshot-id", "latest").get(0).field());
    assertEquals(1, problems("delta", false, WITH_JARS, "versionAsOf", "1", "timestampAsOf", "2026-01-01").size());
  }
}
