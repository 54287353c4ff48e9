package io.sparkstep.spi.spec;

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
  /** Largest spec read, in characters: specs carry references to data, never data. */
  public static final int MAX_SPEC_CHARS = 1024 * 1024;
  /** Deepest JSON nesting read; a spec needs four levels, parameters a few more. */
  public static final int MAX_DEPTH = 32;
  static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build())
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private StepSpecJson() {
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static StepSpec read(String json) {
    if (json == null) {
      throw new InvalidSpecException("spec", "is empty", "a spec looks like {\"specVersion\":1,\"step\":...}");
    }
    if (json.length() > MAX_SPEC_CHARS) {
      throw new InvalidSpecException("spec", "is " + json.length() + " characters, more than the limit of "
          + MAX_SPEC_CHARS, "pass large configuration as a file or URI parameter instead");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw new InvalidSpecException("spec", "nests deeper than " + MAX_DEPTH + " levels", "flatten the spec");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new InvalidSpecException("spec", "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()),
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
      throw new InvalidSpecException(path(e), "unknown field '" + ValidationProblem.shorten(e.getPropertyName()) + "'",
          "known fields: " + e.getKnownPropertyIds());
    } catch (InvalidFormatException e) {
      throw new InvalidSpecException(path(e), "value " + e.getValue() + " is not a "
          + e.getTargetType().getSimpleName().toLowerCase(), "fix the value's type");
    } catch (MismatchedInputException e) {
      throw new InvalidSpecException(path(e), "has the wrong JSON type: " + firstLine(e.getOriginalMessage()),
          "check the field against the spec format in docs/steps.md");
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException("spec", firstLine(e.getOriginalMessage()), "check the spec format in docs/steps.md");
    } catch (RuntimeException e) {
      throw new InvalidSpecException("spec", "cannot be read: " + firstLine(String.valueOf(e.getMessage())),
          "check the spec format in docs/steps.md");
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
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
