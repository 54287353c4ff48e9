package io.sparkstep.testing;

import io.sparkstep.cli.SparkstepCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One CLI invocation as a user makes it: a fresh JVM running {@link SparkstepCli} with this test's classpath and
 * Spark's Java 17 flags (the ones bin/sparkstep passes), so nothing of the test's JVM (loaded classes, Spark
 * contexts, threads, caches) carries over from one call to the next. Unlike {@link CliCall}, which runs in-process.
 *
 * @param code the exit code
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
public record CliProcess(int code, String out, String err) {

  /**
   * Runs {@code sparkstep ARGS} with {@code home} as its Sparkstep home and waits for it; past {@code timeout} the
   * process and its children are killed and the call fails with what it had printed.
   */
  public static CliProcess run(Path home, Duration timeout, String... args) throws IOException, InterruptedException {
    return run(home, timeout, java.util.Map.of(), args);
  }

  /** The same with {@code env} added to the environment (as a user's {@code export NAME=VALUE} before the call). */
  public static CliProcess run(Path home, Duration timeout, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return run(home, timeout, env, null, args);
  }

  /**
   * The same, with {@code setup} (a {@link Runnable} class of the test's class path, or null) run in the fresh JVM
   * before the CLI: what an application embedding Sparkstep does first, such as handing a platform's credential
   * hook its token or trusting a stand-in's certificate. The CLI itself runs unchanged after it.
   */
  public static CliProcess run(Path home, Duration timeout, java.util.Map<String, String> env,
                               Class<? extends Runnable> setup, String... args)
      throws IOException, InterruptedException {
    return run(home, timeout, env, setup, List.of(), args);
  }

  /**
   * The same, with {@code jvmFlags} added to the JVM's command line: what bin/sparkstep passes besides the class
   * path, such as {@code -Dsparkstep.plugins=DIR} for a distribution's plugin directories.
   */
  public static CliProcess run(Path home, Duration timeout, java.util.Map<String, String> env,
                               Class<? extends Runnable> setup, List<String> extraJvmFlags, String... args)
      throws IOException, InterruptedException {
    List<String> jvmFlags = new ArrayList<>(List.of(
        // the CLI only submits and follows: Spark's driver and executors run in their own processes
        "-Xmx512m", "-Dsparkstep.home=" + home, "-Dspark.ui.enabled=false"));
    jvmFlags.addAll(extraJvmFlags);
    String mainClass = SparkstepCli.class.getName();
    if (setup != null) {
      jvmFlags.add("-D" + FreshCli.SETUP_PROPERTY + "=" + setup.getName());
      mainClass = FreshCli.class.getName();
    }
    TestClassDataArchive.Plan archive = TestClassDataArchive.plan(runsStepsInItsJvm(List.of(args)));
    jvmFlags.addAll(archive.jvmFlags());
    List<String> command = TestClassDataArchive.javaCommand(mainClass, jvmFlags);
    command.addAll(List.of(args));
    CliProcess call = null;
    try {
      call = run(command, environment -> environment.putAll(env), timeout);
      return call;
    } finally {
      archive.finish(call == null ? -1 : call.code());
    }
  }

  /** A foreground run or pipeline run on the embedded local operator: its steps run in the CLI's own JVM. */
  private static boolean runsStepsInItsJvm(List<String> args) {
    boolean run = !args.isEmpty() && args.get(0).equals("run")
        || args.size() > 1 && args.get(0).equals("pipeline") && args.get(1).equals("run");
    return run && !args.contains("--detach") && !args.contains("--operator");
  }

  /**
   * Runs {@code command} (a CLI call however it is started: a java command line, the distribution's
   * {@code bin/sparkstep}) in this JVM's environment as {@code environment} changes it, and waits for it; past
   * {@code timeout} the process and its children are killed and the call fails with what it had printed.
   */
  public static CliProcess run(List<String> command,
                               java.util.function.Consumer<java.util.Map<String, String>> environment,
                               Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("sparkstep-cli-", ".out");
    Path err = Files.createTempFile("sparkstep-cli-", ".err");
    try {
      // files rather than pipes: a chatty process never blocks on a full pipe while we wait for it
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile())
          .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      environment.accept(builder.environment());
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // the arguments, not a java command line's class path
        String call = String.join(" ", command.subList(Math.max(0, command.size() - 12), command.size()));
        throw new AssertionError("..." + call + " did not end within "
            + timeout.toSeconds() + " s\nstdout:\n" + read(out) + "\nstderr:\n" + read(err));
      }
      return new CliProcess(process.exitValue(), read(out), withoutJvmNotice(read(err)));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /**
   * stderr without the line each JVM prints first when the test environment gives it options (the build's
   * {@code JAVA_TOOL_OPTIONS}, see the root pom): not the CLI's output, which tests count lines of.
   */
  private static String withoutJvmNotice(String err) {
    return err.lines().filter(line -> !line.startsWith(JVM_NOTICE)).map(line -> line + "\n")
        .collect(java.util.stream.Collectors.joining());
  }

  private static final String JVM_NOTICE = "Picked up JAVA_TOOL_OPTIONS:";

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  public String all() {
    return out + err;
  }
}
