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
            System.out.printf("    %-26s %s%s%s%n", option.key() + (option.isPrefix() ? "*" : ""), option.description(),
                option.required() ? " [required]" : option.defaultValue() != null ? " [default " + option.defaultValue() + "]" : "",
                option.secret() ? " [secret: give as ${ENV}]" : "");
          }
        }
      }
      return 0;
    }
  }
}
