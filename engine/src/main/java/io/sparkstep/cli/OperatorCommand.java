package io.sparkstep.cli;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparkstep operator register|list|describe|delete}: named, configured flavors. */
@Command(name = "operator", mixinStandardHelpOptions = true, description = "Named operators (a flavor plus its settings).",
    subcommands = {OperatorCommand.Register.class, OperatorCommand.ListOperators.class, OperatorCommand.Describe.class,
        OperatorCommand.Delete.class})
final class OperatorCommand {

  static OperatorStore store() {
    return SparkstepCli.submitter().operators();
  }

  @Command(name = "register", mixinStandardHelpOptions = true,
      description = "Register an operator. Secrets: --set key='${ENV_VAR}' (resolved when used, never stored).")
  static final class Register implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--flavor", required = true, description = "Flavor (see: sparkstep flavor list).")
    String flavor;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting (repeatable).")
    List<String> settings = List.of();

    @Option(names = "--replace", description = "Replace an operator of the same name.")
    boolean replace;

    @Override
    public Integer call() {
      Map<String, String> values = new LinkedHashMap<>();
      for (String setting : settings) {
        String[] kv = StepArguments.keyValue("--set", setting);
        values.put(kv[0], kv[1]);
      }
      store().register(name, flavor, values, replace);
      System.out.println("registered operator " + name + " (flavor " + flavor + ") in " + store().file());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List operators.")
  static final class ListOperators implements Callable<Integer> {
    @Override
    public Integer call() {
      for (Map.Entry<String, OperatorConfig> entry : store().list().entrySet()) {
        System.out.printf("%-20s %s%n", entry.getKey(), entry.getValue().flavor());
      }
      return 0;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show an operator's settings (secrets redacted).")
  static final class Describe implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      OperatorConfig config = store().get(name);
      System.out.println("name:   " + config.name());
      System.out.println("flavor: " + config.flavor());
      config.redacted().forEach((k, v) -> System.out.println("  " + k + " = " + v));
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an operator.")
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      if (!store().delete(name)) {
        throw new InvalidSpecException("NAME", "no operator named '" + name + "'",
            "see: sparkstep operator list");
      }
      System.out.println("deleted operator " + name);
      return 0;
    }
  }
}
