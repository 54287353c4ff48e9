package io.sparkstep.cli;

import io.sparkstep.cache.CacheIndex;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.submit.StepSubmitter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkstep cache clear [--step X] [--artifact-store URI]}: forget cached results (their outputs stay). */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "The step cache: clear.",
    subcommands = {CacheCommand.Clear.class})
final class CacheCommand {
  @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove cache entries (of one step, or "
      + "all); the outputs they point to are left as they are.")
  static final class Clear implements Callable<Integer> {
    @Option(names = "--step", paramLabel = "CLASS_OR_ALIAS", description = "Only this step's entries.")
    String step;

    @Option(names = "--artifact-store", paramLabel = "URI", description = "Artifact store whose index to clear "
        + "(default: <home>/artifacts).")
    String artifactStore;

    @Override
    public Integer call() throws Exception {
      String store = artifactStore != null ? artifactStore
          : SparkstepHome.resolve().resolve(StepSubmitter.DEFAULT_ARTIFACTS).toAbsolutePath().toUri().toString();
      int removed = new CacheIndex(store, new Configuration()).clear(step == null ? null : className(step));
      System.out.println("removed " + removed + " cache entr" + (removed == 1 ? "y" : "ies")
          + (step == null ? "" : " of step " + step) + " from " + store);
      return 0;
    }

    /** The index keeps entries by step class: an alias becomes its class (an unknown name is taken as a class). */
    private static String className(String step) {
      try {
        List<String> jars = UserJars.collect(List.of(), System.getenv(), null, SparkstepHome.resolve());
        return new StepCatalog(UserJars.loader(jars)).resolve(step).getClass().getName();
      } catch (RuntimeException e) {
        return step;
      }
    }
  }
}
