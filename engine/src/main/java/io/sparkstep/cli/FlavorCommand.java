package io.sparkstep.cli;

import io.sparkstep.api.ExitCode;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.registry.FlavorUnavailableException;
import io.sparkstep.registry.UnavailableFlavor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkstep flavor list}: the flavors found on the classpath, with their settings. */
@Command(name = "flavor", mixinStandardHelpOptions = true, description = "Flavors: where steps can run.",
    subcommands = FlavorCommand.ListFlavors.class)
final class FlavorCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List flavors and their settings.")
  static final class ListFlavors implements Callable<Integer> {
    @Option(names = "--settings", negatable = true, defaultValue = "true", description = "Show each flavor's settings.")
    boolean settings;

    /** Every flavor that works, then each one found broken (one line each, on stderr too): exit 3 if any is. */
    @Override
    public Integer call() {
      FlavorRegistry registry = SparkstepCli.submitter().flavors();
      for (Flavor flavor : registry.all()) {
        System.out.printf("%-14s %s%n", flavor.name(), flavor.description());
        if (settings) {
          for (ConfigOption option : flavor.options()) {
            System.out.printf("    %-26s %s [%s]%n", option.key() + (option.isPrefix() ? "*" : ""),
                option.description(), declaration(option));
          }
        }
      }
      List<UnavailableFlavor> unavailable = registry.unavailable();
      for (UnavailableFlavor flavor : unavailable) {
        System.out.printf("%-14s UNAVAILABLE: %s%n", flavor.name(), flavor.reason());
      }
      System.out.flush();
      for (UnavailableFlavor flavor : unavailable) {
        SparkstepCli.report(new FlavorUnavailableException(flavor), new PrintWriter(System.err, true));
      }
      return unavailable.isEmpty() ? 0 : ExitCode.PLATFORM_ERROR;
    }

    /** Type, then required or default, then secrecy: a secret's default is never shown, it may be a value. */
    static String declaration(ConfigOption option) {
      StringBuilder out = new StringBuilder(option.type().label());
      if (option.required()) {
        out.append(", required");
      } else if (option.defaultValue() != null && !option.secret()) {
        out.append(", default ").append(option.defaultValue());
      }
      if (option.secret()) {
        out.append(", secret: give as ${ENV}");
      } else if (option.secretReference()) {
        out.append(", names a secret kept elsewhere");
      }
      return out.toString();
    }
  }
}
