package io.sparkstep.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.stream.Collectors;

/** Reads and writes {@link StepSpec} JSON, turning parse errors into {@link InvalidSpecException}s with field paths. */
public final class StepSpecJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private StepSpecJson() {
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static StepSpec read(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException("spec", "malformed JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(),
          "fix the JSON syntax");
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidSpecException("spec", "is not a JSON object", "a spec looks like {\"specVersion\":1,\"step\":...}");
    }
    JsonNode version = tree.get("specVersion");
    if (version != null && (!version.canConvertToInt() || version.asInt() != StepSpec.CURRENT_VERSION)) {
      throw new InvalidSpecException("specVersion", "unknown spec version " + version,
          "this engine reads version " + StepSpec.CURRENT_VERSION + "; upgrade Sparkstep or write a version "
              + StepSpec.CURRENT_VERSION + " spec");
    }
    try {
      return MAPPER.treeToValue(tree, StepSpec.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidSpecException(path(e), "unknown field '" + e.getPropertyName() + "'",
          "known fields: " + e.getKnownPropertyIds());
    } catch (InvalidFormatException e) {
      throw new InvalidSpecException(path(e), "value " + e.getValue() + " is not a "
          + e.getTargetType().getSimpleName().toLowerCase(), "fix the value's type");
    } catch (MismatchedInputException e) {
      throw new InvalidSpecException(path(e), "has the wrong JSON type: " + e.getOriginalMessage(),
          "check the field against the spec format in README");
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException("spec", e.getOriginalMessage(), "check the spec format in README");
    }
  }

  public static String write(StepSpec spec) {
    try {
      return MAPPER.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise spec", e);
    }
  }

  private static String path(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
    return path.isEmpty() ? "spec" : path;
  }
}
