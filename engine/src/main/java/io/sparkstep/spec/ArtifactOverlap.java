package io.sparkstep.spec;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.net.URI;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outputs must be disjoint from each other and from every input: an output equal to, inside or around another
 * artifact would replace data the step reads, or two outputs would commit onto each other. Compared on the
 * normalised URI (scheme, authority, path without {@code .}, {@code ..} and trailing slashes); a scheme-less path is a
 * local file.
 */
final class ArtifactOverlap {
  private ArtifactOverlap() {
  }

  static List<ValidationProblem> problems(StepSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>();
    List<Map.Entry<String, ArtifactSpec>> outputs = new ArrayList<>(spec.outputs.entrySet());
    for (int i = 0; i < outputs.size(); i++) {
      String out = key(outputs.get(i).getValue());
      if (out == null) {
        continue;
      }
      for (int j = i + 1; j < outputs.size(); j++) {
        String other = key(outputs.get(j).getValue());
        String relation = relation(other, out);
        if (relation != null) {
          problems.add(ValidationProblem.of("outputs." + outputs.get(j).getKey() + ".uri",
              relation + " output " + outputs.get(i).getKey() + " (" + outputs.get(i).getValue().uri + ")",
              "give every output its own directory"));
        }
      }
      for (Map.Entry<String, ArtifactSpec> input : spec.inputs.entrySet()) {
        String relation = relation(out, key(input.getValue()));
        if (relation != null) {
          problems.add(ValidationProblem.of("outputs." + outputs.get(i).getKey() + ".uri",
              relation + " input " + input.getKey() + " (" + input.getValue().uri + ")",
              "write the output to a directory apart from the step's inputs"));
        }
      }
    }
    return problems;
  }

  /** How {@code a} relates to {@code b}, as a phrase, or null when disjoint. */
  private static String relation(String a, String b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.equals(b)) {
      return "is the same path as";
    }
    if (b.startsWith(a + "/")) {
      return "contains";
    }
    if (a.startsWith(b + "/")) {
      return "is inside";
    }
    return null;
  }

  /** scheme://authority/normalised/path, or null for a URI the validator refuses anyway. */
  static String key(ArtifactSpec artifact) {
    if (artifact == null || artifact.uri == null || artifact.uri.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(artifact.uri);
      if (uri.getScheme() == null) {
        return "file://" + Paths.get(artifact.uri).toAbsolutePath().normalize().toString().replace('\\', '/');
      }
      if (uri.isOpaque() || uri.getPath() == null) {
        return null;
      }
      String path = uri.getPath().isEmpty() ? "/" : uri.getPath();
      String normal = Paths.get(path).normalize().toString().replace('\\', '/');
      while (normal.length() > 1 && normal.endsWith("/")) {
        normal = normal.substring(0, normal.length() - 1);
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
      if (scheme.equals("file")) {
        authority = "";
      }
      return scheme + "://" + authority + normal;
    } catch (Exception e) {
      return null;
    }
  }
}
