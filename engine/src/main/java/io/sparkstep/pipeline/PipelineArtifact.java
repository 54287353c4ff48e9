package io.sparkstep.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.spi.spec.ArtifactSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input or output of a pipeline step: a URI (written as a plain string, as {@code run --input} takes it), or
 * {@code {from: STEP_ID.OUTPUT}} for what another step of the pipeline committed, with the artifact settings of a
 * step spec (format, mode, options, partitionBy) where they apply.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = false)
public final class PipelineArtifact {
  /** {@code STEP_ID.OUTPUT}: another step's output. Inputs only. */
  public String from;
  public String uri;
  public String format;
  public String mode;
  public Map<String, String> options = new LinkedHashMap<>();
  public List<String> partitionBy = new ArrayList<>();

  public PipelineArtifact() {
  }

  /** The plain-string form: {@code trips: file:/data/trips}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static PipelineArtifact ofUri(String uri) {
    PipelineArtifact artifact = new PipelineArtifact();
    artifact.uri = uri;
    return artifact;
  }

  public static PipelineArtifact from(String stepOutput) {
    PipelineArtifact artifact = new PipelineArtifact();
    artifact.from = stepOutput;
    return artifact;
  }

  /** The step id of {@link #from}, or null when it is not of the form STEP_ID.OUTPUT. */
  public String fromStep() {
    int dot = from == null ? -1 : from.indexOf('.');
    return dot <= 0 ? null : from.substring(0, dot);
  }

  /** The output name of {@link #from}, or null when it is not of the form STEP_ID.OUTPUT. */
  public String fromOutput() {
    int dot = from == null ? -1 : from.indexOf('.');
    return dot <= 0 || dot == from.length() - 1 ? null : from.substring(dot + 1);
  }

  /** The step spec's artifact at {@code resolvedUri}, with this artifact's settings. */
  ArtifactSpec toSpec(String resolvedUri) {
    ArtifactSpec spec = new ArtifactSpec(resolvedUri, format, mode);
    spec.options.putAll(options);
    spec.partitionBy.addAll(partitionBy);
    return spec;
  }
}
