package io.sparkstep.pipeline;

import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Path;
import io.sparkstep.cache.StepCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.sparkstep.spi.spec.ArtifactSpec;

/**
 * The step spec of one pipeline step's run: its inputs resolved to what upstream runs committed, each output without
 * a URI placed in the artifact store at {@code <store>/<pipeline>/<step id>/<step run id>/<output>}, a location no
 * other run writes (the step run id is fresh), so a downstream step reads exactly what its upstream committed and a
 * rerun never overwrites what another run used.
 */
final class StepSpecs {
  private StepSpecs() {
  }

  /** The store of a pipeline: its own, else {@code <home>/artifacts}. */
  static String store(Pipeline pipeline, Path home) {
    String store = pipeline.artifactStore;
    if (store == null || store.isBlank()) {
      store = home.resolve("artifacts").toAbsolutePath().toUri().toString();
    }
    return store.endsWith("/") ? store.substring(0, store.length() - 1) : store;
  }

  static String artifactUri(String store, String pipeline, String stepId, String stepRunId, String output) {
    return store + "/" + pipeline + "/" + stepId + "/" + stepRunId + "/" + output;
  }

  /** The step, described by its own class (found among the user's jars, as {@code run} finds it). */
  static StepDescriptor describe(PipelineStep step, Path home) {
    List<String> jars = UserJars.collect(step.jars, System.getenv(), null, home);
    return new StepCatalog(UserJars.loader(jars)).resolve(step.step).describe();
  }

  /**
   * @param upstreamOutputs per upstream step id, its committed outputs (name to URI); an input whose upstream output
   *     is not there is left without a URI (validation then names it)
   */
  static StepSpec of(Pipeline pipeline, PipelineStep step, StepDescriptor descriptor, String store,
                     String pipelineRunId, String stepRunId, Map<String, Map<String, String>> upstreamOutputs) {
    StepSpec spec = new StepSpec();
    spec.runId = stepRunId;
    spec.step = step.step;
    spec.params.putAll(step.params);
    step.inputs.forEach((name, input) -> {
      String uri = input == null ? null : input.uri;
      if (input != null && input.from != null) {
        uri = upstreamOutputs.getOrDefault(input.fromStep(), Map.of()).get(input.fromOutput());
      }
      spec.inputs.put(name, input == null ? new ArtifactSpec() : input.toSpec(uri));
    });
    List<String> placed = new ArrayList<>();
    step.outputs.forEach((name, output) -> {
      ArtifactSpec artifact = output == null ? new ArtifactSpec()
          : output.toSpec(output.uri);
      if (artifact.uri == null) {
        artifact.uri = artifactUri(store, pipeline.name, step.id, stepRunId, name);
        placed.add(name);
      } else if (step.overwrite && artifact.mode == null) {
        artifact.mode = "overwrite";
      }
      spec.outputs.put(name, artifact);
    });
    if (descriptor != null) {
      for (String name : descriptor.outputs().keySet()) {
        if (!spec.outputs.containsKey(name)) {
          spec.outputs.put(name, ArtifactSpec.ofUri(artifactUri(store, pipeline.name, step.id, stepRunId, name)));
          placed.add(name);
        }
      }
    }
    // The cache, on unless the step or pipeline says otherwise; a hit may serve the artifacts placed here from where
    // an earlier run committed them (downstream steps read the record's outputs).
    spec.cache = step.cache != null ? step.cache : pipeline.cache == null || pipeline.cache;
    spec.artifactStore = store;
    if (!placed.isEmpty()) {
      spec.labels.put(StepCache.PLACED_OUTPUTS_LABEL, String.join(",", placed));
    }
    if (step.resources != null) {
      spec.resources = step.resources;
    }
    spec.sparkConf.putAll(step.conf);
    spec.accelerator = step.accelerator;
    spec.retry = step.retry;
    spec.jars.addAll(step.jars);
    spec.labels.putAll(step.labels);
    if (pipelineRunId != null) {
      spec.labels.put(RunRecord.PIPELINE_RUN_LABEL, pipelineRunId);
      spec.labels.put(RunRecord.PIPELINE_STEP_LABEL, step.id);
      spec.labels.put(RunRecord.PIPELINE_LABEL, pipeline.name);
    }
    return spec;
  }
}
