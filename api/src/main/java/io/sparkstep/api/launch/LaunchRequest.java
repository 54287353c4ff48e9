package io.sparkstep.api.launch;

import io.sparkstep.api.StepResources;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step launch as {@link Sparkstep} collected it, handed to the engine's {@link StepLauncher}: plain values only,
 * so that the api needs nothing of the engine.
 *
 * @param operator the operator's name ({@code sparkstep operator list}); "local" always exists
 * @param home the Sparkstep home (operators and run records); null for the engine's default
 * @param step the step's alias or class name
 * @param resources null when not set: the operator's defaults apply
 * @param accelerator none, comet or rapids; null when not set
 * @param retry null when not set: the step is not retried
 * @param runId null to let the engine choose one
 * @param explain only explain what the accelerator would run ({@code sparkstep explain})
 * @param detached the run outlives this process ({@code run --detach})
 */
public record LaunchRequest(String operator, Path home, String step, List<String> jars, Map<String, Object> params,
    Map<String, Artifact> inputs, Map<String, Artifact> outputs, StepResources resources, Map<String, String> conf,
    String accelerator, Retry retry, String runId, boolean explain, boolean detached, Map<String, String> labels) {

  /** Copies every collection, keeping its order (parameters and outputs are listed in the order given). */
  public LaunchRequest {
    jars = List.copyOf(jars);
    params = ordered(params);
    inputs = ordered(inputs);
    outputs = ordered(outputs);
    conf = ordered(conf);
    labels = ordered(labels);
  }

  private static <V> Map<String, V> ordered(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /**
   * One input or output.
   *
   * @param format parquet, csv, json or orc; null for the default
   * @param overwrite outputs only: replace what is there, atomically at commit
   */
  public record Artifact(String uri, String format, boolean overwrite) {
  }

  /** Step retries: at most {@code maxAttempts} attempts, {@code backoffMillis} apart. */
  public record Retry(int maxAttempts, long backoffMillis) {
  }
}
