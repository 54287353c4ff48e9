package io.sparkstep.testing;

import io.sparkstep.spi.util.JavaCommand;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * What bin/sparkstep does for a user's machine, for the child JVMs of one test JVM: the first {@link CliProcess} call
 * that runs its steps in its own JVM and succeeds saves the classes it loaded in a class-data archive
 * ({@code -XX:ArchiveClassesAtExit}); every later call maps it and hands it to the step processes it starts
 * ({@value JavaCommand#ARCHIVE_PROPERTY}, as bin/sparkstep does), and {@link EntrypointProcess}'s containers map it too.
 * Without it each of the suite's few hundred child JVMs
 * reads and verifies Spark's classes from the jars again, most of a short run's CPU time.
 *
 * <p>One archive per test JVM (its class path, with its directories packed into jars, and java), under the module's
 * {@code target/test-cds}; a JVM that cannot use it (another class path) ignores it. Only where classes are read from
 * changes: nothing a test checks depends on it. Measured on the 2-core machine: a CLI run of a small generate-trips
 * takes 5.0 CPU-seconds with the archive against 8.2 to 9.1 without it; saving it costs one run about 20 more.
 */
final class TestClassDataArchive {
  private static final Path DIR = Path.of("target", "test-cds");
  private static final AtomicBoolean SAVING = new AtomicBoolean();
  private static List<String> classPath;

  private TestClassDataArchive() {
  }

  /**
   * The flags for the next child JVM: map the archive; or, where there is none yet and {@code mayStartSaving} (a CLI
   * call whose steps run in its own JVM, so it loads what later calls and their step processes load), save it; else
   * none.
   */
  static Plan plan(boolean mayStartSaving) {
    if (!Files.isDirectory(DIR.getParent())) {
      return Plan.NONE;
    }
    Path archive = archive();
    if (Files.isRegularFile(archive)) {
      String path = archive.toAbsolutePath().toString();
      List<String> flags = new ArrayList<>(JavaCommand.classDataArchiveFlags(path));
      flags.add("-D" + JavaCommand.ARCHIVE_PROPERTY + "=" + path); // the CLI hands it to its step processes
      return new Plan(flags, null, null);
    }
    if (!mayStartSaving || !SAVING.compareAndSet(false, true)) {
      return Plan.NONE;
    }
    Path pending = archive.resolveSibling(archive.getFileName() + ".tmp-" + UUID.randomUUID());
    // the CLI writes the marker when the run it saved for succeeded and computed (see the CLI's ClassDataArchive)
    return new Plan(List.of("-XX:ArchiveClassesAtExit=" + pending.toAbsolutePath(), "-Xlog:cds*=off",
        "-Dsparkstep.cds.marker=" + marker(pending).toAbsolutePath()), pending, archive);
  }

  private static Path archive() {
    String key = JavaCommand.javaBinary() + "\n" + String.join(File.pathSeparator, classPath());
    return DIR.resolve("cli-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)) + ".jsa");
  }

  /**
   * This JVM's class path for a child JVM, each directory in it (the module's own classes and test classes) packed
   * into a jar of this JVM's under {@code target/test-cds}: the JVM archives classes from jars only, and refuses to
   * save an archive at all with a non-empty directory on the class path. Where there is no {@code target}, the class
   * path as it is (and no archive).
   */
  static synchronized List<String> classPath() {
    if (classPath == null) {
      List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
      if (!Files.isDirectory(DIR.getParent())) {
        classPath = entries;
        return classPath;
      }
      List<String> packed = new ArrayList<>();
      try {
        Files.createDirectories(DIR);
        for (String entry : entries) {
          Path path = Path.of(entry);
          packed.add(Files.isDirectory(path) ? packed(path).toAbsolutePath().toString() : entry);
        }
        classPath = packed;
      } catch (IOException e) {
        classPath = entries; // no archive then: the children read their classes from the jars as before
      }
    }
    return classPath;
  }

  private static Path packed(Path directory) throws IOException {
    String name = "classes-" + UUID.nameUUIDFromBytes(directory.toAbsolutePath().toString()
        .getBytes(StandardCharsets.UTF_8)) + "-" + ProcessHandle.current().pid() + ".jar";
    Path jar = DIR.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
         Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        String entry = directory.relativize(file).toString().replace(File.separatorChar, '/');
        if (entry.isEmpty()) {
          continue;
        }
        if (Files.isDirectory(file)) {
          out.putNextEntry(new JarEntry(entry + "/"));
        } else {
          out.putNextEntry(new JarEntry(entry));
          Files.copy(file, out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  private static Path marker(Path pending) {
    return pending.resolveSibling(pending.getFileName() + ".ok");
  }

  /** {@code java <Spark's flags> <jvmFlags> -cp <classPath()> <mainClass>}. */
  static List<String> javaCommand(String mainClass, List<String> jvmFlags) {
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaBinary());
    command.addAll(JavaCommand.sparkJvmFlags());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath()));
    command.add(mainClass);
    return command;
  }

  /**
   * @param jvmFlags what the child JVM takes
   * @param pending where a saving JVM writes the archive, else null
   * @param archive where the saved archive goes once the CLI marked it worth keeping, else null
   */
  record Plan(List<String> jvmFlags, Path pending, Path archive) {
    static final Plan NONE = new Plan(List.of(), null, null);

    /** After the call: a saved archive its CLI marked takes its place; else a later call saves one. */
    void finish(int exitCode) {
      if (pending == null) {
        return;
      }
      try {
        boolean marked = Files.deleteIfExists(marker(pending));
        if (exitCode == 0 && marked && Files.isRegularFile(pending)) {
          Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.deleteIfExists(pending);
          SAVING.set(false);
        }
      } catch (IOException e) {
        SAVING.set(false);
      }
    }
  }
}
