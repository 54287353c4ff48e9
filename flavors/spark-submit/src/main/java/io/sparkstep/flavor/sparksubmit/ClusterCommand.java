package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.CliContext;
import io.sparkstep.spi.util.SparkstepHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sparkstep cluster start|stop|status}: a Spark standalone cluster on 127.0.0.1 from the Spark home assembled
 * from this build's jars, with a spark-submit operator registered for it. Its pids live under
 * {@code <home>/cluster/}, so {@code stop} from any later process stops exactly those processes.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "A local Spark standalone cluster (Master + Workers on 127.0.0.1) for spark-submit steps.",
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
public final class ClusterCommand {
  private final CliContext cli;

  ClusterCommand(CliContext cli) {
    this.cli = cli;
  }

  static Path stateDir() {
    return SparkstepHome.resolve().resolve("cluster");
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a Master and N Workers and register a spark-submit operator for them.")
  static final class Start implements Callable<Integer> {
    @ParentCommand
    ClusterCommand parent;
    @Spec
    CommandSpec spec;
    @Option(names = "--workers", defaultValue = "2", description = "Number of Workers (default ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--cores", defaultValue = "1", description = "Cores each Worker offers (default ${DEFAULT-VALUE}).")
    int cores;
    @Option(names = "--memory", defaultValue = "1g", description = "Memory each Worker offers (default ${DEFAULT-VALUE}).")
    String memory;
    @Option(names = "--operator", defaultValue = "local-cluster",
        description = "Name of the spark-submit operator to register (default ${DEFAULT-VALUE}).")
    String operator;
    @Option(names = "--deploy-mode", defaultValue = "client", description = "client or cluster (default ${DEFAULT-VALUE}).")
    String deployMode;
    @Option(names = "--jars", description = "Comma-separated jars with your steps, shipped with every run.")
    String jars;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (workers < 1 || cores < 1) {
        err.println("sparkstep: invalid input: --workers and --cores must be at least 1");
        return 2;
      }
      long workerMiB;
      try {
        workerMiB = MemorySize.memoryMiB(memory);
      } catch (RuntimeException e) {
        err.println("sparkstep: invalid input: --memory '" + memory + "' is not a size (use e.g. 1g or 768m)");
        return 2;
      }
      if (workerMiB < 512) {
        err.println("sparkstep: invalid input: --memory " + memory + " is too small for an executor (use >= 512m)");
        return 2;
      }
      SparkDistribution spark = SparkDistribution.assemble(SparkstepHome.resolve().resolve("spark-dist"));
      LocalCluster cluster;
      try {
        cluster = LocalCluster.start(spark, stateDir(), workers, cores, memory, "512m", Duration.ofSeconds(120));
      } catch (IllegalStateException e) {
        err.println("sparkstep: " + e.getMessage());
        return 2;
      } catch (IOException e) {
        err.println("sparkstep: platform error: the cluster did not start: " + e.getMessage());
        return 3;
      }
      Map<String, String> settings = cluster.operatorSettings(deployMode);
      // Executors take half a Worker, so a cluster-mode driver of the same size still fits beside one.
      settings.put("conf.spark.executor.memory", Math.max(512, workerMiB / 2) + "m");
      settings.put("conf.spark.driver.memory", "512m");
      if (jars != null && !jars.isBlank()) {
        settings.put("jars", jars);
      }
      try {
        parent.cli.registerOperator(operator, SparkSubmitFlavor.NAME, settings, true);
      } catch (RuntimeException e) {
        cluster.stop();
        throw e;
      }
      out.println("cluster started: master " + cluster.masterUrl() + ", " + workers + " worker(s) of " + cores
          + " core(s) and " + memory);
      out.println("web UI: " + cluster.webUi());
      out.println("operator: " + operator + " (spark-submit, " + deployMode + " mode)");
      out.println("run a step: sparkstep run --operator " + operator + " --step generate-trips --output "
          + "trips=/tmp/trips --output zones=/tmp/zones");
      out.println("stop it:    sparkstep cluster stop");
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the local cluster: Workers (with their executors and drivers) and the Master.")
  static final class Stop implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Optional<LocalCluster> cluster = LocalCluster.load(stateDir());
      if (cluster.isEmpty()) {
        spec.commandLine().getOut().println("no local cluster is running");
        return 0;
      }
      int stopped = cluster.get().stop();
      spec.commandLine().getOut().println("cluster stopped (" + stopped + " process(es) ended)");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the local cluster, if any.")
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Optional<LocalCluster> cluster = LocalCluster.load(stateDir());
      PrintWriter out = spec.commandLine().getOut();
      if (cluster.isEmpty() || !cluster.get().alive()) {
        out.println("no local cluster is running");
        return 3;
      }
      out.println("master " + cluster.get().masterUrl() + ", web UI " + cluster.get().webUi() + ", pids "
          + cluster.get().pids());
      return 0;
    }
  }
}
