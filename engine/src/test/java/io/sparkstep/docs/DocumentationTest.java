package io.sparkstep.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps README short and the documentation's links whole (issue 29: README at most 250 lines, the rest one page per
 * topic under docs/), so neither can drift when pages are moved or renamed.
 */
class DocumentationTest {
  private static final int README_MAX_LINES = 250;
  private static final Pattern FENCED_BLOCK = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
  private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final Path root = repositoryRoot();

  @Test
  void readmeStaysShort() throws IOException {
    int lines = Files.readAllLines(root.resolve("README.md")).size();
    assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines, at most " + README_MAX_LINES
        + " allowed: move the detail to a page under docs/ and link it");
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      String text = FENCED_BLOCK.matcher(Files.readString(page)).replaceAll("");
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String target = link.group(1);
        if (HAS_SCHEME.matcher(target).find()) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(root.relativize(page) + ": " + target + " (no such file)");
        } else if (hash >= 0 && Files.isRegularFile(resolved) && resolved.toString().endsWith(".md")
            && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(root.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  /** .ci/run runs "exactly README's test command"; this keeps the two the same. */
  @Test
  void readmeShowsTheCommandCiRuns() throws IOException {
    List<String> ci = Files.readAllLines(root.resolve(".ci/run"));
    String command = ci.get(ci.size() - 1).trim();
    assertEquals("./mvnw -B -ntp verify", command);
    assertTrue(Files.readAllLines(root.resolve("README.md")).contains(command), "README.md lacks the line " + command);
  }

  @Test
  void aSpecThatCannotBeReadPointsAtAPageThatExists() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> StepSpecJson.read("{\"specVersion\": 1, \"step\": \"x\", \"params\": [1, 2]}"));
    ValidationProblem problem = e.problems().get(0);
    Matcher page = Pattern.compile("docs/[\\w/-]+\\.md").matcher(problem.hint());
    assertTrue(page.find(), "hint names no docs page: " + problem);
    assertTrue(Files.isRegularFile(root.resolve(page.group())), "hint names a missing page: " + problem);
  }

  private List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** GitHub's anchors: the heading lower-cased, punctuation dropped, spaces as hyphens. */
  private static List<String> anchors(Path page) throws IOException {
    List<String> anchors = new ArrayList<>();
    Matcher heading = HEADING.matcher(FENCED_BLOCK.matcher(Files.readString(page)).replaceAll(""));
    while (heading.find()) {
      anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
    }
    return anchors;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs")))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no README.md with docs/ beside it above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
