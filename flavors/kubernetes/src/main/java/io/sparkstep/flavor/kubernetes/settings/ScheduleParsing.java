package io.sparkstep.flavor.kubernetes.settings;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parsing of the scheduling settings in the syntax {@code kubectl taint} users know: {@code KEY[=VALUE][:EFFECT]}
 * for tolerations (no value means operator Exists; no effect tolerates every effect), and label keys and values as
 * Kubernetes accepts them.
 */
public final class ScheduleParsing {
  private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Pattern LABEL_KEY =
      Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  private ScheduleParsing() {
  }

  public static Toleration toleration(String text) {
    String body = text.trim();
    String effect = null;
    int colon = body.lastIndexOf(':');
    if (colon >= 0) {
      effect = body.substring(colon + 1).trim();
      body = body.substring(0, colon).trim();
    }
    TolerationBuilder t = new TolerationBuilder();
    int eq = body.indexOf('=');
    if (eq >= 0) {
      t.withKey(body.substring(0, eq).trim()).withOperator("Equal").withValue(body.substring(eq + 1).trim());
    } else {
      t.withKey(body).withOperator("Exists");
    }
    if (effect != null && !effect.isEmpty()) {
      t.withEffect(effect);
    }
    return t.build();
  }

  public static List<ValidationProblem> tolerationProblems(List<String> tolerations) {
    List<ValidationProblem> problems = new ArrayList<>();
    for (String text : tolerations) {
      Toleration t = toleration(text);
      if (t.getKey().isEmpty() || !LABEL_KEY.matcher(t.getKey()).matches()) {
        problems.add(ValidationProblem.of("tolerations", "'" + text + "' has no valid taint key",
            "write KEY[=VALUE][:EFFECT], e.g. nvidia.com/gpu:NoSchedule or dedicated=spark:NoExecute"));
      } else if (t.getValue() != null && !LABEL_VALUE.matcher(t.getValue()).matches()) {
        problems.add(ValidationProblem.of("tolerations", "'" + text + "' has value '" + t.getValue()
            + "', which the API server refuses", "a toleration value is a label value: at most 63 letters, digits, "
            + "'-', '_' or '.', starting and ending alphanumeric"));
      } else if (t.getEffect() != null && !EFFECTS.contains(t.getEffect())) {
        problems.add(ValidationProblem.of("tolerations", "'" + text + "' has unknown effect '" + t.getEffect() + "'",
            "effects: " + String.join(", ", EFFECTS)));
      }
    }
    return problems;
  }

  /** Annotation keys are qualified names like label keys (values are free text, 256 KiB in all per object). */
  public static List<ValidationProblem> annotationProblems(String prefix, Map<String, String> annotations) {
    List<ValidationProblem> problems = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, String> entry : annotations.entrySet()) {
      String key = entry.getKey();
      int slash = key.indexOf('/');
      boolean prefixOk = slash < 0 || slash <= 253;
      if (!LABEL_KEY.matcher(key).matches() || !prefixOk) {
        problems.add(ValidationProblem.of(prefix + key, "is not a valid annotation key",
            "use [PREFIX/]NAME: NAME at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric, "
                + "e.g. example.com/owner"));
      }
      total += key.length() + (entry.getValue() == null ? 0 : entry.getValue().length());
    }
    if (total > 256 * 1024) {
      problems.add(ValidationProblem.of(prefix, "annotations are " + total + " bytes, the API server allows 256 KiB",
          "shorten them"));
    }
    return problems;
  }

  public static List<ValidationProblem> labelProblems(String prefix, Map<String, String> labels) {
    List<ValidationProblem> problems = new ArrayList<>();
    labels.forEach((key, value) -> {
      if (!LABEL_KEY.matcher(key).matches()) {
        problems.add(ValidationProblem.of(prefix + key, "is not a valid label key",
            "use [PREFIX/]NAME with letters, digits, '-', '_' and '.', e.g. team or example.com/team"));
      } else if (value == null || !LABEL_VALUE.matcher(value).matches()) {
        problems.add(ValidationProblem.of(prefix + key, "value '" + value + "' is not a valid label value",
            "at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric"));
      }
    });
    return problems;
  }
}
