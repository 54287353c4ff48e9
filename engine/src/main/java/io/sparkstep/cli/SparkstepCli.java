package io.sparkstep.cli;

import io.sparkstep.api.ExitCode;
import io.sparkstep.launch.StepSubmitter;
import io.sparkstep.spec.InvalidSpecException;
import io.sparkstep.spec.ValidationProblem;
import io.sparkstep.spi.PlatformException;
import java.io.PrintWriter;
import java.util.ServiceLoader;
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
    submitter = null;
    verbose = false;
    CommandLine cli = commandLine();
    return cli.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SparkstepCli());
    for (CliExtension extension : ServiceLoader.load(CliExtension.class)) {
      Object command = extension.command();
      CommandLine sub = new CommandLine(command);
      if (!cli.getSubcommands().containsKey(sub.getCommandName())) {
        cli.addSubcommand(sub.getCommandName(), sub);
      }
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr()));
    cli.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("sparkstep: " + e.getMessage());
      err.println("  see: sparkstep " + e.getCommandLine().getCommandSpec().qualifiedName(" ")
          .replaceFirst("^sparkstep ?", "") + " --help");
      return ExitCode.INVALID_INPUT;
    });
    return cli;
  }

  /** One line for the user, detail with --verbose; the exit code for the kind of failure. */
  static int report(Exception e, PrintWriter err) {
    if (e instanceof InvalidSpecException invalid) {
      if (invalid.problems().size() == 1) {
        err.println("sparkstep: invalid input: " + invalid.problems().get(0));
      } else {
        err.println("sparkstep: invalid input (" + invalid.problems().size() + " problems):");
        for (ValidationProblem problem : invalid.problems()) {
          err.println("  - " + problem);
        }
      }
      return ExitCode.INVALID_INPUT;
    }
    if (e instanceof PlatformException) {
      err.println("sparkstep: platform error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return ExitCode.PLATFORM_ERROR;
    }
    err.println("sparkstep: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("  (run again with --verbose for details)");
    }
    return ExitCode.PLATFORM_ERROR;
  }
}
