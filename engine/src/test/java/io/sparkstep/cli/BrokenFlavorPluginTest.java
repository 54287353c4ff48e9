package io.sparkstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.registry.FlavorPlugins;
import io.sparkstep.testing.CliProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: a plugin directory that does not load (its flavor's static initialiser throws, or a class it needs is not
 * in its jars) or two jars giving one flavor name must never reach the user as a JVM stack trace. Each call is a
 * fresh CLI JVM with a distribution's plugins directory ({@code -Dsparkstep.plugins}, as bin/sparkstep passes it),
 * whose plugin jars are compiled here against the engine, as a flavor outside this build would be:
 * <ul>
 *   <li>{@code broken}: its Flavor's static initialiser throws (as vertex's did on clashing protobuf versions);
 *   <li>{@code incomplete}: its settings need a class its directory lacks (NoClassDefFoundError in options());
 *   <li>{@code late}: loads and describes itself, but checking settings needs that missing class;
 *   <li>{@code halfway}: registers, but submitting a run needs that missing class;
 *   <li>{@code twin-a}, {@code twin-b}: two jars, one flavor name;
 *   <li>{@code good}: a plugin flavor that works.
 * </ul>
 */
@Tag("slow")
class BrokenFlavorPluginTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  static Path temp;

  private static Path plugins;
  /** Plugin directory name to its flavor's class name. */
  private static final Map<String, String> PLUGIN_CLASSES = new java.util.TreeMap<>();

  @BeforeAll
  static void buildPlugins() throws IOException {
    plugins = temp.resolve("plugins");
    plugin("good", "GoodFlavor", """
        public String name() { return "good"; }
        public String description() { return "a plugin flavor that loads"; }
        public List<ConfigOption> options() { return List.of(); }
        """);
    plugin("broken", "BrokenFlavor", """
        private static final String NAME = failToInitialise();
        private static String failToInitialise() {
          throw new IllegalStateException("incompatible versions: gencode 9, runtime 8");
        }
        public String name() { return NAME; }
        public String description() { return "never loads"; }
        public List<ConfigOption> options() { return List.of(); }
        """);
    plugin("incomplete", "IncompleteFlavor", """
        public String name() { return "incomplete"; }
        public String description() { return "its settings need a class it lacks"; }
        public List<ConfigOption> options() { return com.example.sdk.MissingClient.options(); }
        """);
    plugin("late", "LateFlavor", """
        public String name() { return "late"; }
        public String description() { return "checking settings needs a class it lacks"; }
        public List<ConfigOption> options() { return List.of(); }
        public List<ValidationProblem> validate(OperatorConfig config) {
          return com.example.sdk.MissingClient.check();
        }
        """);
    plugin("halfway", "HalfwayFlavor", """
        public String name() { return "halfway"; }
        public String description() { return "its runs need a class it lacks"; }
        public List<ConfigOption> options() { return List.of(); }
        public StepOperator create(OperatorConfig config) {
          return new StepOperator() {
            public io.sparkstep.api.StepRun submit(io.sparkstep.spi.spec.StepSpec spec, io.sparkstep.spi.SubmitOptions options,
                RunContext context) {
              com.example.sdk.MissingClient.check();
              throw new UnsupportedOperationException("not reached");
            }
            public io.sparkstep.api.StepRun attach(io.sparkstep.spi.record.RunRecord record, RunContext context) {
              com.example.sdk.MissingClient.check();
              throw new UnsupportedOperationException("not reached");
            }
          };
        }
        """);
    plugin("twin-a", "TwinA", """
        public String name() { return "twin"; }
        public String description() { return "one of two"; }
        public List<ConfigOption> options() { return List.of(); }
        """);
    plugin("twin-b", "TwinB", """
        public String name() { return "twin"; }
        public String description() { return "the other of two"; }
        public List<ConfigOption> options() { return List.of(); }
        """);
    compileAndPack();
  }

  @Test
  void flavorListShowsEachBrokenPluginAsUnavailableInOneLineAndTheOthersAsUsual() throws Exception {
    CliProcess list = sparkstep("flavor", "list");

    assertEquals(ExitCode.PLATFORM_ERROR, list.code(), list.all());
    assertFalse(list.all().contains("\tat "), "no stack trace without --verbose:\n" + list.all());
    List<String> out = list.out().lines().filter(l -> !l.startsWith(" ")).toList();
    assertTrue(out.stream().anyMatch(l -> l.matches("local\\s+Embedded Spark.*")), list.out());
    assertTrue(out.stream().anyMatch(l -> l.matches("good\\s+a plugin flavor that loads")), list.out());
    assertTrue(out.stream().anyMatch(l -> l.matches("late\\s+checking settings needs a class it lacks")), list.out());
    assertTrue(out.stream().anyMatch(l -> l.matches("broken\\s+UNAVAILABLE: .*")), list.out());
    assertTrue(out.stream().anyMatch(l -> l.matches("incomplete\\s+UNAVAILABLE: .*")), list.out());
    assertTrue(out.stream().anyMatch(l -> l.matches("twin\\s+UNAVAILABLE: .*")), list.out());

    List<String> errors = errorLines(list.err());
    assertEquals(3, errors.size(), "one line per broken flavor:\n" + list.err());
    String broken = line(errors, "flavor broken ");
    assertTrue(broken.startsWith("sparkstep: installation error: flavor broken is unavailable: "), broken);
    assertTrue(broken.contains("class com.example.flavors.BrokenFlavor failed to initialise: "
        + "IllegalStateException: incompatible versions: gencode 9, runtime 8"), broken);
    assertTrue(broken.contains(plugins.resolve("broken").resolve("broken.jar").toString()), "names the jar: " + broken);
    assertTrue(broken.contains("reinstall Sparkstep"), "says the fix: " + broken);
    String twin = line(errors, "flavor twin ");
    assertTrue(twin.contains("two jars provide it: " + plugins.resolve("twin-a").resolve("twin-a.jar")
        + " (com.example.flavors.TwinA) and " + plugins.resolve("twin-b").resolve("twin-b.jar")
        + " (com.example.flavors.TwinB)"), twin);
    assertTrue(twin.endsWith("; remove one of them"), twin);
  }

  @Test
  void registeringOnAFlavorWhoseClassFailsToInitialiseIsOneLineAndExit3() throws Exception {
    CliProcess register = sparkstep("operator", "register", "b", "--flavor", "broken");

    assertEquals(ExitCode.PLATFORM_ERROR, register.code(), register.all());
    assertEquals(List.of(), register.out().lines().toList());
    String line = onlyLine(register.err());
    assertTrue(line.startsWith("sparkstep: installation error: flavor broken is unavailable: "), line);
    assertTrue(line.contains(plugins.resolve("broken").toString()), "names the plugin's directory: " + line);
  }

  @Test
  void aFlavorMissingAClassForItsSettingsIsUnavailableNamingTheClass() throws Exception {
    CliProcess register = sparkstep("operator", "register", "i", "--flavor", "incomplete");

    assertEquals(ExitCode.PLATFORM_ERROR, register.code(), register.all());
    String line = onlyLine(register.err());
    assertTrue(line.startsWith("sparkstep: installation error: flavor incomplete is unavailable: it cannot describe "
        + "its settings: class com.example.sdk.MissingClient not found (NoClassDefFoundError in "
        + "com.example.flavors.IncompleteFlavor)"), line);
  }

  @Test
  void anErrorEscapingACommandIsOneLineNamingThePluginAndVerboseShowsTheTrace() throws Exception {
    CliProcess register = sparkstep("operator", "register", "l", "--flavor", "late");

    assertEquals(ExitCode.PLATFORM_ERROR, register.code(), register.all());
    assertEquals("sparkstep: installation error: flavor plugin late (" + plugins.resolve("late") + "): class "
        + "com.example.sdk.MissingClient not found (NoClassDefFoundError in com.example.flavors.LateFlavor); the "
        + "plugin's jars are incomplete or clash with lib/: reinstall Sparkstep (plugins/late/dependencies.txt lists "
        + "what it needs) (--verbose shows the trace)", onlyLine(register.err()));

    CliProcess verbose = sparkstep("operator", "register", "l", "--flavor", "late", "--verbose");
    assertEquals(ExitCode.PLATFORM_ERROR, verbose.code(), verbose.all());
    assertTrue(verbose.err().contains("java.lang.NoClassDefFoundError: com/example/sdk/MissingClient\n\tat "),
        verbose.err());
  }

  @Test
  void aRunWhoseFlavorCannotLoadAClassIsOneLineExit3AndEndsFailed() throws Exception {
    Path home = Files.createTempDirectory(temp, "home");
    assertEquals(0, sparkstep(home, "operator", "register", "h", "--flavor", "halfway").code());

    CliProcess run = sparkstep(home, "run", "--operator", "h", "--step", "io.sparkstep.testing.FailingStep",
        "--output", "out=" + temp.resolve("out"));

    assertEquals(ExitCode.PLATFORM_ERROR, run.code(), run.all());
    assertTrue(onlyLine(run.err()).startsWith("sparkstep: installation error: flavor plugin halfway ("
        + plugins.resolve("halfway") + "): class com.example.sdk.MissingClient not found"), run.err());
    CliProcess runs = sparkstep(home, "runs", "list");
    assertEquals(0, runs.code(), runs.all());
    assertTrue(runs.out().lines().anyMatch(l -> l.matches("\\S+\\s+FAILED\\s+h\\s.*")),
        "the run ended FAILED, not left SUBMITTED:\n" + runs.out());
  }

  @Test
  void registeringOnAFlavorTwoJarsProvideIsRefused() throws Exception {
    CliProcess register = sparkstep("operator", "register", "t", "--flavor", "twin");

    assertEquals(ExitCode.PLATFORM_ERROR, register.code(), register.all());
    assertTrue(onlyLine(register.err()).startsWith("sparkstep: installation error: flavor twin is unavailable: two "
        + "jars provide it: "), register.err());
  }

  private static CliProcess sparkstep(String... args) throws IOException, InterruptedException {
    return sparkstep(Files.createTempDirectory(temp, "home"), args);
  }

  private static CliProcess sparkstep(Path home, String... args) throws IOException, InterruptedException {
    return CliProcess.run(home, TIMEOUT, Map.of(), null,
        List.of("-D" + FlavorPlugins.PLUGINS_PROPERTY + "=" + plugins), args);
  }

  /** stderr without the JVM's own notice about the incubator module the test JVM's flags add. */
  private static List<String> errorLines(String err) {
    return err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
  }

  private static String onlyLine(String text) {
    List<String> lines = errorLines(text);
    assertEquals(1, lines.size(), "one line:\n" + text);
    assertFalse(text.contains("\tat "), text);
    return lines.get(0);
  }

  private static String line(List<String> lines, String containing) {
    return lines.stream().filter(l -> l.contains(containing)).findFirst()
        .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in " + lines));
  }

  /** {@code com.example.flavors.CLASS} with the given members, packed later into plugins/DIR/DIR.jar. */
  private static void plugin(String dir, String className, String members) throws IOException {
    Path source = temp.resolve("src/com/example/flavors/" + className + ".java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, """
        package com.example.flavors;

        import io.sparkstep.spi.spec.ValidationProblem;
        import io.sparkstep.spi.ConfigOption;
        import io.sparkstep.spi.Flavor;
        import io.sparkstep.spi.OperatorConfig;
        import io.sparkstep.spi.RunContext;
        import io.sparkstep.spi.StepOperator;
        import java.util.List;

        public class %s implements Flavor {
        %s
        %s
        }
        """.formatted(className, members, members.contains(" create(") ? "" : """
          public StepOperator create(OperatorConfig config) {
            throw new UnsupportedOperationException("runs nothing");
          }
        """));
    PLUGIN_CLASSES.put(dir, className);
  }

  /**
   * One javac run for every plugin's flavor and {@code com.example.sdk.MissingClient}, then plugins/DIR/DIR.jar with
   * its flavor class and services file; MissingClient goes in no jar, as a dependency missing from a plugin directory.
   */
  private static void compileAndPack() throws IOException {
    Path missing = temp.resolve("src/com/example/sdk/MissingClient.java");
    Files.createDirectories(missing.getParent());
    Files.writeString(missing, """
        package com.example.sdk;

        public class MissingClient {
          public static java.util.List<io.sparkstep.spi.ConfigOption> options() { return java.util.List.of(); }
          public static java.util.List<io.sparkstep.spi.spec.ValidationProblem> check() { return java.util.List.of(); }
        }
        """);
    Path classes = Files.createDirectories(temp.resolve("classes"));
    List<String> javacArgs = new java.util.ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), missing.toString()));
    PLUGIN_CLASSES.values().forEach(c -> javacArgs.add(temp.resolve("src/com/example/flavors/" + c + ".java")
        .toString()));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, javacArgs.toArray(String[]::new)));
    for (Map.Entry<String, String> plugin : PLUGIN_CLASSES.entrySet()) {
      Path jar = Files.createDirectories(plugins.resolve(plugin.getKey())).resolve(plugin.getKey() + ".jar");
      try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
        out.putNextEntry(new JarEntry("META-INF/services/io.sparkstep.spi.Flavor"));
        out.write(("com.example.flavors." + plugin.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
        // the flavor's class and its nested ones (HalfwayFlavor$1, its operator)
        try (java.util.stream.Stream<Path> flavorClasses = Files.list(classes.resolve("com/example/flavors"))) {
          for (Path path : flavorClasses.filter(f -> f.getFileName().toString().matches(
              java.util.regex.Pattern.quote(plugin.getValue()) + "(\\$.*)?\\.class")).sorted().toList()) {
            out.putNextEntry(new JarEntry("com/example/flavors/" + path.getFileName()));
            Files.copy(path, out);
            out.closeEntry();
          }
        }
      }
    }
  }
}
