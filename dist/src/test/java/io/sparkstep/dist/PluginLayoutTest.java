package io.sparkstep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.dist.PluginLayoutCheck.ResolvedJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution just assembled (verify phase): every plugin directory is complete and consistent with lib/
 * ({@link PluginLayoutCheck}), and the check does fail on the layouts of issue 28. The broken layouts are copies of
 * the real plugin directories made of links to its jars, with one jar taken away, swapped or re-versioned.
 */
class PluginLayoutTest {
  /** The unpacked distribution, set by dist/pom.xml. */
  private static final Path DIST = Paths.get(System.getProperty("sparkstep.dist.home", "target/missing-dist-home"));
  private static final Path LIB = DIST.resolve("lib");
  private static final Path PLUGINS = DIST.resolve("plugins");

  @TempDir
  Path temp;

  @Test
  void everyShippedPluginIsCompleteAndAgreesWithLib() throws IOException {
    try (Stream<Path> dirs = Files.list(PLUGINS)) {
      assertEquals(List.of("azureml", "sagemaker", "vertex"),
          dirs.map(p -> p.getFileName().toString()).sorted().toList());
    }
    List<String> problems = new PluginLayoutCheck(LIB).problems(PLUGINS);
    assertEquals(List.of(), problems, "the distribution's plugins are inconsistent:\n" + String.join("\n", problems));
  }

  @Test
  void aPluginWithoutItsOwnProtobufFallsBackToLibsAndFails() throws IOException {
    ResolvedJar protobuf = resolved("vertex", "protobuf-java");
    Path vertex = linkedCopy("vertex");
    Files.delete(vertex.resolve(protobuf.fileName()));

    List<String> problems = new PluginLayoutCheck(LIB).problemsOf(vertex);

    assertEquals(1, problems.size(), String.join("\n", problems));
    String problem = problems.get(0);
    assertTrue(problem.startsWith("plugin vertex: needs com.google.protobuf:protobuf-java " + protobuf.version()),
        problem);
    assertTrue(problem.contains("has no protobuf-java jar"), problem);
    assertTrue(problem.contains(onlyJarOf(LIB, "protobuf-java").toString()), "names lib's version: " + problem);
  }

  @Test
  void aPluginJarOfAnotherVersionFails() throws IOException {
    ResolvedJar protobuf = resolved("vertex", "protobuf-java");
    Path vertex = linkedCopy("vertex");
    Files.delete(vertex.resolve(protobuf.fileName()));
    Path other = vertex.resolve("protobuf-java-3.25.5.jar");
    Files.createSymbolicLink(other, PLUGINS.resolve("vertex").resolve(protobuf.fileName()));

    List<String> problems = new PluginLayoutCheck(LIB).problemsOf(vertex);

    assertEquals(1, problems.size(), String.join("\n", problems));
    assertTrue(problems.get(0).contains("needs com.google.protobuf:protobuf-java " + protobuf.version()
        + ", but " + vertex + " has only " + other), problems.get(0));
  }

  @Test
  void aLibraryMissingFromPluginAndLibFails() throws IOException {
    ResolvedJar reactiveStreams = resolved("azureml", "reactive-streams");
    Path azureml = linkedCopy("azureml");
    Files.delete(azureml.resolve(reactiveStreams.fileName()));
    // lib/ has reactive-streams too since the object-store connectors ship there (the AWS SDK's async client): a lib/
    // without it is the layout of issue 28.
    Path lib = linkedLibWithout(reactiveStreams.fileName());

    List<String> problems = new PluginLayoutCheck(lib).problemsOf(azureml);

    assertEquals(List.of("plugin azureml: needs org.reactivestreams:reactive-streams " + reactiveStreams.version()
        + ", but neither " + azureml + " nor " + lib + " has it (NoClassDefFoundError when used): add "
        + reactiveStreams.fileName() + " to " + azureml), problems);
  }

  @Test
  void aParentSharedLibraryAtAnotherVersionThanLibsFails() throws IOException {
    ResolvedJar databind = resolved("azureml", "jackson-databind");
    Path azureml = linkedCopy("azureml");
    // As if the flavor had resolved another Jackson than Spark's: the parent's copy would win in the plugin loader.
    String otherVersion = databind.version() + ".99";
    Files.move(azureml.resolve(databind.fileName()),
        azureml.resolve(databind.artifact() + "-" + otherVersion + ".jar"));
    Path list = azureml.resolve(PluginLayoutCheck.DEPENDENCY_LIST);
    String listing = Files.readString(list, StandardCharsets.UTF_8);
    Files.delete(list);
    Files.writeString(list, listing.replace("jackson-databind:jar:" + databind.version() + ":",
        "jackson-databind:jar:" + otherVersion + ":"), StandardCharsets.UTF_8);

    List<String> problems = new PluginLayoutCheck(LIB).problemsOf(azureml);

    assertEquals(1, problems.size(), String.join("\n", problems));
    assertTrue(problems.get(0).startsWith("plugin azureml: needs com.fasterxml.jackson.core:jackson-databind "
        + otherVersion + ", but the plugin loader takes its classes from the parent, which has "
        + LIB.resolve(databind.fileName())), problems.get(0));
  }

  private static ResolvedJar resolved(String flavor, String artifact) throws IOException {
    return ResolvedJar.parse(Files.readString(PLUGINS.resolve(flavor).resolve(PluginLayoutCheck.DEPENDENCY_LIST)))
        .stream().filter(j -> j.artifact().equals(artifact)).findFirst()
        .orElseThrow(() -> new AssertionError(flavor + " no longer resolves " + artifact + ": pick another case"));
  }

  /** plugins/FLAVOR as links to its files, in a temporary plugins directory, so a test can break it cheaply. */
  private Path linkedCopy(String flavor) throws IOException {
    Path copy = Files.createDirectories(temp.resolve("plugins").resolve(flavor));
    try (Stream<Path> files = Files.list(PLUGINS.resolve(flavor))) {
      for (Path file : files.toList()) {
        Files.createSymbolicLink(copy.resolve(file.getFileName()), file.toAbsolutePath());
      }
    }
    return copy;
  }

  /** lib/ as links to its files, less one, in a temporary directory. */
  private Path linkedLibWithout(String fileName) throws IOException {
    Path copy = Files.createDirectories(temp.resolve("lib"));
    try (Stream<Path> files = Files.list(LIB)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().equals(fileName)).toList()) {
        Files.createSymbolicLink(copy.resolve(file.getFileName()), file.toAbsolutePath());
      }
    }
    return copy;
  }

  private static Path onlyJarOf(Path dir, String artifact) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> jars = files.filter(f -> f.getFileName().toString().matches(artifact + "-\\d.*\\.jar")).toList();
      assertEquals(1, jars.size(), artifact + " in " + dir + ": " + jars);
      return jars.get(0);
    }
  }
}
