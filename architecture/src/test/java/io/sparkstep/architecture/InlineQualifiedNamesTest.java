package io.sparkstep.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Main code names our types through imports only, so every package edge shows in the import lines. */
class InlineQualifiedNamesTest {
  /** The repository root: this module's parent directory (surefire runs in the module's directory). */
  private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();

  @Test
  void mainCodeHasNoInlineQualifiedNameOfOurs() throws IOException {
    List<Path> sourceRoots;
    try (Stream<Path> walk = Files.walk(ROOT, 5)) {
      sourceRoots = walk.filter(p -> p.endsWith(Paths.get("src", "main", "java")))
          .filter(p -> !p.toString().contains("/target/")).toList();
    }
    assertTrue(sourceRoots.size() >= 8, "found only " + sourceRoots + " under " + ROOT);
    List<String> found = new ArrayList<>();
    for (Path root : sourceRoots) {
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".java")).forEach(file -> {
          for (String name : InlineQualifiedNames.in(read(file))) {
            found.add(ROOT.relativize(file) + ": " + name);
          }
        });
      }
    }
    assertEquals(List.of(), found, "import these types instead of naming them inline");
  }

  @Test
  void scanFindsAnInlineNameButNotOneInACommentStringOrImport() {
    String source = """
        package io.sparkstep.demo;

        import io.sparkstep.spi.Flavor;

        /** Mentions io.sparkstep.registry.FlavorRegistry in a comment. */
        class Demo {
          String text = "io.sparkstep.runtime.StepEntrypoint";
          Object registry = new io.sparkstep.registry.FlavorRegistry(); // io.sparkstep.submit.StepSubmitter
        }
        """;
    assertEquals(List.of("io.sparkstep.registry.FlavorRegistry"), InlineQualifiedNames.in(source));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
