package io.sparkstep.cli;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.CliContext;
import io.sparkstep.spi.CliExtension;
import io.sparkstep.spi.util.Redactor;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.util.ScrubbingPrintStream;
import java.util.Map;
import io.sparkstep.api.ExitCode;
import io.sparkstep.api.SubmitException;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.registry.FlavorUnavailableException;
import io.sparkstep.registry.LoadFailure;
import io.sparkstep.spi.PlatformException;
import java.io.PrintWriter;
import java.util.List;
import io.sparkstep.util.ServiceProviders;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/sparkstep}: flavors, operators, runs, steps, and commands added by modules ({@link CliExtension}).
 * Exit codes (contract): 0 succeeded, 1 step failed, 2 invalid input, 3 platform failure, 4 cancelled. Errors are one
 * readable line on stderr; {@code --verbose} adds the detail.
 */
@Command(name = "sparkstep", mixinStandardHelpOptions = true, version = "sparkstep 0.1.0 (Spark 4.1.1)",
    description = "Run ML and data pipeline steps as Spark jobs: embedded, on any Spark cluster, on Kubernetes, "
        + "or on managed ML platforms.",
    subcommands = {FlavorCommand.class, OperatorCommand.class, RunCommand.class, RunsCommand.class, StepsCommand.class,
        PipelineCommand.class, CacheCommand.class,
        CommandLine.HelpCommand.class})
public final class SparkstepCli {
  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT, description = "Print error details.")
  static boolean verbose;

  private static StepSubmitter submitter;

  /** The submitter shared by commands (flavors from the classpath, the Sparkstep home). */
  static synchronized StepSubmitter submitter() {
    if (submitter == null) {
      submitter = new StepSubmitter();
    }
    return submitter;
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int execute(String... args) {
    // Before anything prints: no registered secret reaches the terminal (or a caller's streams), whoever prints it.
    ScrubbingPrintStream.install();
    submitter = null;
    verbose = false;
    try {
      return commandLine().execute(args);
    } catch (RuntimeException | Error e) {
      // picocli's handler below sees Exceptions only: an Error (a class of a plugin or of lib/ that does not load)
      // would otherwise reach the user as the JVM's stack trace.
      return report(e, new PrintWriter(System.err, true));
    }
  }

  /** {@link CliContext#registerOperator}, as {@code operator register} does it. */
  private static void registerOperator(String name, String flavor, Map<String, String> settings, boolean replace) {
    new OperatorStore(SparkstepHome.resolve(), new FlavorRegistry()).register(name, flavor, settings, replace);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SparkstepCli());
    for (CliExtension extension : ServiceProviders.load(CliExtension.class,
        Thread.currentThread().getContextClassLoader())) {
      CommandLine sub;
      try {
        sub = new CommandLine(extension.command(SparkstepCli::registerOperator));
      } catch (RuntimeException | LinkageError e) {
        System.err.println("sparkstep: warning: skipped command of " + extension.getClass().getName() + " (" + e + ")");
        continue;
      }
      if (!cli.getSubcommands().containsKey(sub.getCommandName())) {
        cli.addSubcommand(sub.getCommandName(), sub);
      }
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr()));
    cli.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println(scrub("sparkstep: " + oneLine(e)));
      err.println("  see: sparkstep " + e.getCommandLine().getCommandSpec().qualifiedName(" ")
          .replaceFirst("^sparkstep ?", "") + " --help");
      return ExitCode.INVALID_INPUT;
    });
    return cli;
  }

  /**
   * The CLI's one error path: a line per problem (at most {@link InvalidSpecException#MAX_SHOWN}, the rest
   * counted), secrets scrubbed, the stack trace only with --verbose; the exit code for the kind of failure.
   */
  static int report(Throwable e, PrintWriter err) {
    if (e instanceof InvalidSpecException invalid) {
      List<ValidationProblem> problems = invalid.problems();
      if (problems.size() == 1) {
        err.println(scrub("sparkstep: invalid input: " + problems.get(0)));
      } else {
        err.println("sparkstep: invalid input (" + problems.size() + " problems):");
        problems.stream().limit(InvalidSpecException.MAX_SHOWN).forEach(p -> err.println(scrub("  - " + p)));
        if (problems.size() > InvalidSpecException.MAX_SHOWN) {
          err.println("  ... and " + (problems.size() - InvalidSpecException.MAX_SHOWN) + " more");
        }
      }
      err.flush();
      return ExitCode.INVALID_INPUT;
    }
    if (e instanceof FlavorUnavailableException || LoadFailure.isLoadFailure(e)) {
      // A broken installation, said in one line with the plugin or jar to look at (exit 3, as a platform failure).
      String what = e instanceof FlavorUnavailableException ? e.getMessage() : LoadFailure.sentence(e);
      boolean traced = !(e instanceof FlavorUnavailableException) || e.getCause() != null;
      err.println(scrub("sparkstep: installation error: " + what
          + (verbose || !traced ? "" : " (--verbose shows the trace)")));
      printTraceIfVerbose(e, err);
      return ExitCode.PLATFORM_ERROR;
    }
    // A flavor's own command (a CliExtension) may still throw the SPI's type.
    boolean platform = e instanceof SubmitException || e instanceof PlatformException;
    String prefix = platform ? "sparkstep: platform error: "
        : e instanceof Exception ? "sparkstep: " : "sparkstep: internal error: " + e.getClass().getName() + ": ";
    err.println(scrub(prefix + oneLine(e)));
    if (!verbose) {
      err.println("  (run again with --verbose for details)");
    }
    printTraceIfVerbose(e, err);
    return ExitCode.PLATFORM_ERROR;
  }

  private static void printTraceIfVerbose(Throwable e, PrintWriter err) {
    if (verbose) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(scrub(trace.toString()));
    }
    err.flush();
  }

  /** The message of {@code e} (or its type) on one line, bounded. */
  static String oneLine(Throwable e) {
    String text = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
    int nl = text.indexOf('\n');
    text = nl < 0 ? text : text.substring(0, nl);
    return text.length() > 300 ? text.substring(0, 297) + "..." : text;
  }

  static String scrub(String text) {
    return Redactor.scrub(text);
  }

  static boolean verbose() {
    return verbose;
  }
}
