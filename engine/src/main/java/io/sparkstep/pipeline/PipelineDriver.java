package io.sparkstep.pipeline;

import io.sparkstep.api.RunState;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.SparkstepHome;
import java.nio.file.Path;
import java.time.Duration;
import io.sparkstep.util.ScrubbingPrintStream;

/**
 * The main class of a detached pipeline run ({@code pipeline run --detach}): drives the stored run to its end in
 * this JVM and exits with the pipeline's exit code. SIGTERM (or any other end of the JVM) cancels the running steps.
 */
public final class PipelineDriver {
  private PipelineDriver() {
  }

  public static void main(String[] args) throws Exception {
    ScrubbingPrintStream.install();
    String id = args[0];
    Path home = SparkstepHome.resolve();
    PipelineSubmitter submitter = new PipelineSubmitter(new StepSubmitter(home, new FlavorRegistry()), home);
    PipelineRunHandle run = submitter.start(id);
    Thread cancelOnExit = new Thread(() -> {
      if (!run.state().isFinal()) {
        run.cancel();
        try {
          run.await(Duration.ofSeconds(60));
        } catch (Exception ignored) {
          // exiting anyway
        }
      }
    }, "sparkstep-pipeline-cancel-on-exit");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    RunState state = run.await(Duration.ofDays(365));
    Runtime.getRuntime().removeShutdownHook(cancelOnExit);
    System.err.println("pipeline run " + id + " " + state);
    System.exit(state.exitCode());
  }
}
