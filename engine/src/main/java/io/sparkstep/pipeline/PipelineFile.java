package io.sparkstep.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a pipeline file, YAML or JSON (a JSON document is YAML too, so one reader takes both), and writes pipelines
 * as JSON for the pipeline run's own copy. A field the model does not know is refused with its path, as a step
 * spec's is, rather than silently dropped.
 */
public final class PipelineFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PipelineFile() {
  }

  public static Pipeline read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidSpecException("file", "cannot read " + file + ": " + e.getMessage(),
          "give the path of a pipeline YAML or JSON file");
    }
    return read(text, file.toString());
  }

  /** Parses {@code text}; {@code source} names it in problems. */
  public static Pipeline read(String text, String source) {
    try {
      Pipeline pipeline = YAML.readValue(text, Pipeline.class);
      if (pipeline == null) {
        throw new InvalidSpecException("pipeline", source + " is empty", "write a pipeline: name, and its steps");
      }
      return pipeline;
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidSpecException(path(e), "unknown field '" + e.getPropertyName() + "' in " + source,
          "known fields: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      throw new InvalidSpecException(path(e).isEmpty() ? "pipeline" : path(e), "cannot be read: "
          + e.getOriginalMessage().lines().findFirst().orElse(""), "see docs/pipelines.md for the file's shape");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new InvalidSpecException("pipeline", source + " is not YAML or JSON" + where + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""), "fix the file's syntax");
    }
  }

  public static String writeJson(Pipeline pipeline) {
    try {
      return JSON.writeValueAsString(pipeline);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The field path as problems name it: {@code steps[2].inputs.model}. */
  static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      }
    }
    return path.toString();
  }
}
