package io.sparkstep.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a {@link Pipeline}: its id in the pipeline, the step (class or alias, as in {@code run --step}), the
 * operator it runs on (the pipeline's when absent), and every field of a step spec; inputs may name another step's
 * output instead of a URI, and an output without a URI becomes an artifact of the pipeline's store.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = false)
public final class PipelineStep {
  public String id;
  public String step;
  public String operator;
  public Map<String, Object> params = new LinkedHashMap<>();
  public Map<String, PipelineArtifact> inputs = new LinkedHashMap<>();
  /** Output name to where it goes; a name the step declares but this map leaves out goes to the artifact store. */
  public Map<String, PipelineArtifact> outputs = new LinkedHashMap<>();
  public ResourceSpec resources;
  /** Spark conf of this step, as a step spec's {@code sparkConf}. */
  public Map<String, String> conf = new LinkedHashMap<>();
  public String accelerator;
  public StepSpec.RetrySpec retry;
  public List<String> jars = new ArrayList<>();
  public Map<String, String> labels = new LinkedHashMap<>();
  /** Every explicit output replaces what is there, as {@code run --overwrite}. */
  public boolean overwrite;
  /** Whether the step cache may serve this step (docs/cache.md); absent: the pipeline's {@code cache}, else on. */
  public Boolean cache;

  public PipelineStep() {
  }

  public PipelineStep(String id, String step) {
    this.id = id;
    this.step = step;
  }

  /** The ids of the steps whose outputs this one reads. */
  public List<String> upstream() {
    List<String> ids = new ArrayList<>();
    for (PipelineArtifact input : inputs.values()) {
      String from = input == null ? null : input.fromStep();
      if (from != null && !ids.contains(from)) {
        ids.add(from);
      }
    }
    return ids;
  }
}
