package io.sparkstep.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One stand-in store per test class: started before the class's first test in a work directory of its own, closed
 * after its last. A test class holds it as {@code @RegisterExtension static final StandInFixture<S3StandIn> S3 =
 * new StandInFixture<>(S3StandIn::start);} and reaches the store through {@link #store()}.
 *
 * @param <T> the stand-in
 */
final class StandInFixture<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {
  /** How a stand-in starts in its work directory. */
  @FunctionalInterface
  interface Starter<T> {
    T start(Path workDir) throws Exception;
  }

  private final Starter<T> starter;
  private Path work;
  private T store;

  StandInFixture(Starter<T> starter) {
    this.starter = starter;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    work = Files.createTempDirectory(context.getRequiredTestClass().getSimpleName() + "-");
    store = starter.start(work);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (store != null) {
      store.close();
      store = null;
    }
    if (work != null) {
      try (var walk = Files.walk(work)) {
        walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The running stand-in. */
  T store() {
    return store;
  }

  /** The class's work directory: the stand-in's files and whatever the tests put beside them. */
  Path work() {
    return work;
  }
}
