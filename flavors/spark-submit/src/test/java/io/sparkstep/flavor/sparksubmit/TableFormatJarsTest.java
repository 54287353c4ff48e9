package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.TableFormatJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a run ships for its table formats, from this class path (Delta's jars, as the distribution's lib/ has them):
 * the jar files of the formats it names, nothing for a run without tables.
 */
class TableFormatJarsTest {
  private final ClassLoader loader = getClass().getClassLoader();

  @Test
  void aDeltaOutputShipsDeltaSparkAndDeltaStorageAsLocalFiles() {
    StepSpec spec = spec("delta");
    spec.jars.add("/opt/steps.jar");
    List<Path> jars = TableFormatJars.forRun(spec, loader);
    List<String> names = jars.stream().map(jar -> jar.getFileName().toString()).toList();
    assertTrue(names.stream().anyMatch(name -> name.startsWith("delta-spark_")), names.toString());
    assertTrue(names.stream().anyMatch(name -> name.startsWith("delta-storage-")), names.toString());
    assertTrue(jars.stream().allMatch(Files::isRegularFile), jars.toString());
    List<String> shipped = TableFormatJars.withUserJars(spec, loader);
    assertEquals("/opt/steps.jar", shipped.get(0), "the user's jars first");
    assertEquals(jars.size() + 1, shipped.size());
  }

  @Test
  void aRunWithoutTablesShipsNothingMore() {
    assertEquals(List.of(), TableFormatJars.forRun(spec("parquet"), loader));
    assertEquals(List.of(), TableFormatJars.forRun(spec(null), loader));
  }

  private static StepSpec spec(String outputFormat) {
    StepSpec spec = new StepSpec();
    spec.outputs.put("out", new ArtifactSpec("file:/tmp/out", outputFormat, null));
    spec.inputs.put("in", new ArtifactSpec("file:/tmp/in", null, null));
    return spec;
  }
}
