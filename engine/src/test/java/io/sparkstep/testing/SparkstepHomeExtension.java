package io.sparkstep.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Sparkstep home of a test's own: a fresh directory that {@code sparkstep.home} points at while the test (or the
 * class) runs, as {@code bin/sparkstep} passes it to in-process CLI calls and the Java API; the previous value is put
 * back and the directory removed afterwards. Register it on a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final SparkstepHomeExtension home = SparkstepHomeExtension.perTest();
 * ... home.path() ...
 * </pre>
 */
public final class SparkstepHomeExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final String PROPERTY = "sparkstep.home";

  private final boolean perTest;
  private Path root;
  private Path home;
  private String previous;

  private SparkstepHomeExtension(boolean perTest) {
    this.perTest = perTest;
  }

  /** One home for all tests of the class (a class that sets up data once and runs several steps on it). */
  public static SparkstepHomeExtension perClass() {
    return new SparkstepHomeExtension(false);
  }

  /** A fresh home for each test (tests that count runs or operators). */
  public static SparkstepHomeExtension perTest() {
    return new SparkstepHomeExtension(true);
  }

  /** The home of the test running now; it does not exist until something is stored in it. */
  public Path path() {
    if (home == null) {
      throw new IllegalStateException("SparkstepHomeExtension: use path() while a test runs (register the extension"
          + " on a static field with @RegisterExtension)");
    }
    return home;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (!perTest) {
      open();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!perTest) {
      close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (perTest) {
      open();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      close();
    }
  }

  private void open() throws IOException {
    root = Files.createTempDirectory("sparkstep-test-");
    home = root.resolve("home");
    previous = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, home.toString());
  }

  private void close() {
    if (previous == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, previous);
    }
    deleteQuietly(root);
    root = null;
    home = null;
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind (a child process still writing) is the OS's to clean
    }
  }
}
