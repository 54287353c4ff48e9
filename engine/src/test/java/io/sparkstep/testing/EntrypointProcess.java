package io.sparkstep.testing;

import io.sparkstep.runtime.StepEntrypoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts {@link StepEntrypoint} as a separate JVM with this test's classpath and a given environment, the way a
 * platform stand-in (SageMaker, Vertex, Azure ML) runs the step's container: the spec arrives by environment variable
 * or URI, output goes to a log file. Used by the cloud flavors' stand-ins so a submitted step produces real output.
 */
public final class EntrypointProcess {
  private EntrypointProcess() {
  }

  /**
   * @param env environment of the "container" (e.g. SPARKSTEP_SPEC or SPARKSTEP_SPEC_URI, SPARKSTEP_RUN_DIR)
   * @param args entrypoint arguments, often none
   * @param log file receiving stdout and stderr
   */
  public static Process start(Map<String, String> env, List<String> args, Path log) throws IOException {
    List<String> jvmFlags = new ArrayList<>(List.of("-Xmx768m", "-Dspark.ui.enabled=false"));
    // maps the archive a CLI call of this JVM saved; a module's few containers would not repay saving one here
    jvmFlags.addAll(TestClassDataArchive.plan(false).jvmFlags());
    List<String> command = TestClassDataArchive.javaCommand(StepEntrypoint.class.getName(), jvmFlags);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }
}
