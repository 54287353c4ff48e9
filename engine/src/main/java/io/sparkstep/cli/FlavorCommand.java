package io.sparkstep.cli;

import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
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

    @Override
    public Integer call() {
      for (Flavor flavor : SparkstepCli.submitter().flavors().all()) {
        System.out.printf("%-14s %s%n", flavor.name(), flavor.description());
        if (settings) {
          for (ConfigOption option : flavor.options()) {
            System.out.printf("    %-26s %s [%s]%n", option.key() + (option.isPrefix() ? "*" : ""),
                option.description(), declaration(option));
          }
        }
      }
      return 0;
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
