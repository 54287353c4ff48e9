package io.sparkstep.flavor.kubernetes.settings;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Pod templates: the user's files (driverPodTemplate, executorPodTemplate) and the profiles from
 * {@code spark-conf/pod-templates/} (in the flavor jar; {@code $SPARKSTEP_CONF_DIR/pod-templates/} replaces them).
 * Spark merges a template under the pod it builds; the feature steps add to the template what Spark has no conf
 * for (tolerations, GPU limits, deadlines).
 */
public final class PodTemplates {
  public static final String DRIVER_PROFILE = "driver.yaml";
  public static final String EXECUTOR_GPU_PROFILE = "executor-gpu.yaml";
  private static final String RESOURCE_DIR = "/io/sparkstep/flavor/kubernetes/profiles/pod-templates/";

  private PodTemplates() {
  }

  /** A user's template file, parsed; problems name the setting. */
  public static Pod load(String setting, String file) {
    Path path = Paths.get(file);
    if (!Files.isRegularFile(path)) {
      throw new TemplateException(ValidationProblem.of(setting, "file " + path.toAbsolutePath() + " does not exist",
          "point " + setting + " at a YAML pod template (apiVersion: v1, kind: Pod)"));
    }
    try {
      return parse(setting, path.toString(), Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** A profile from spark-conf/pod-templates. */
  public static Pod profile(String name) {
    String dir = System.getenv("SPARKSTEP_CONF_DIR");
    try {
      if (dir != null && !dir.isBlank()) {
        Path file = Paths.get(dir, "pod-templates", name);
        if (Files.isRegularFile(file)) {
          return parse("SPARKSTEP_CONF_DIR", file.toString(), Files.readString(file));
        }
      }
      try (InputStream in = PodTemplates.class.getResourceAsStream(RESOURCE_DIR + name)) {
        if (in == null) {
          throw new IllegalStateException("the kubernetes flavor jar has no pod template profile " + name
              + "; rebuild it (it packages spark-conf/pod-templates/) or set SPARKSTEP_CONF_DIR");
        }
        return parse("pod template profile", name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pod template profile " + name, e);
    }
  }

  public static Pod parse(String setting, String source, String yaml) {
    Object parsed;
    try {
      parsed = Serialization.unmarshal(yaml, Pod.class);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new TemplateException(ValidationProblem.of(setting, source + " is not a valid YAML pod template: "
          + reason, "fix the YAML (a Pod: apiVersion: v1, kind: Pod, spec.containers)"));
    }
    Pod pod = (Pod) parsed;
    if (pod == null || pod.getKind() != null && !"Pod".equals(pod.getKind())) {
      throw new TemplateException(ValidationProblem.of(setting, source + " is a " + (pod == null ? "empty document"
          : pod.getKind()) + ", not a Pod", "a pod template is one Pod: apiVersion: v1, kind: Pod"));
    }
    return pod;
  }

  /** Problems with the operator's template files, found at registration. */
  public static List<ValidationProblem> problems(KubernetesSettings settings) {
    List<ValidationProblem> problems = new ArrayList<>();
    check("driverPodTemplate", settings.driverPodTemplate(), problems);
    check("executorPodTemplate", settings.executorPodTemplate(), problems);
    return problems;
  }

  private static void check(String setting, String file, List<ValidationProblem> problems) {
    if (file == null) {
      return;
    }
    try {
      load(setting, file);
    } catch (TemplateException e) {
      problems.add(e.problem());
    }
  }

  /**
   * The user's template over a profile, field by field: the user's value wins where both set one, objects merge,
   * and lists of named items (containers, volumes, env, mounts, ports) merge by name; other lists are the user's.
   * So a user's driver template keeps the profile's termination grace period (what cancel relies on) unless it sets
   * its own.
   */
  public static Pod merge(Pod profile, Pod user) {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try {
      com.fasterxml.jackson.databind.JsonNode merged = merge(json.readTree(Serialization.asJson(profile)),
          json.readTree(Serialization.asJson(user)));
      return Serialization.unmarshal(json.writeValueAsString(merged), Pod.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot merge pod templates", e);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode merge(com.fasterxml.jackson.databind.JsonNode base,
      com.fasterxml.jackson.databind.JsonNode over) {
    if (base instanceof com.fasterxml.jackson.databind.node.ObjectNode b && over.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode out = b.deepCopy();
      over.fields().forEachRemaining(e -> out.set(e.getKey(),
          out.has(e.getKey()) ? merge(out.get(e.getKey()), e.getValue()) : e.getValue()));
      return out;
    }
    if (base.isArray() && over.isArray() && named(base) && named(over)) {
      com.fasterxml.jackson.databind.node.ArrayNode out = ((com.fasterxml.jackson.databind.node.ArrayNode) base)
          .deepCopy();
      for (com.fasterxml.jackson.databind.JsonNode item : over) {
        int at = -1;
        for (int i = 0; i < out.size(); i++) {
          if (out.get(i).get("name").equals(item.get("name"))) {
            at = i;
          }
        }
        if (at >= 0) {
          out.set(at, merge(out.get(at), item));
        } else {
          out.add(item);
        }
      }
      return out;
    }
    return over;
  }

  private static boolean named(com.fasterxml.jackson.databind.JsonNode array) {
    for (com.fasterxml.jackson.databind.JsonNode item : array) {
      if (!item.isObject() || !item.has("name")) {
        return false;
      }
    }
    return true;
  }

  public static Pod empty() {
    return new PodBuilder().withApiVersion("v1").withKind("Pod").withNewMetadata().endMetadata().withNewSpec()
        .endSpec().build();
  }

  /** The container Spark fills in: the first one (Spark's default when no container name is configured). */
  public static Container sparkContainer(Pod pod) {
    if (pod.getSpec() == null) {
      pod.setSpec(empty().getSpec());
    }
    if (pod.getSpec().getContainers() == null || pod.getSpec().getContainers().isEmpty()) {
      Container container = new Container();
      pod.getSpec().setContainers(new ArrayList<>(List.of(container)));
    }
    return pod.getSpec().getContainers().get(0);
  }

  public static String toYaml(Pod pod) {
    return Serialization.asYaml(pod);
  }

  /** A template problem found while loading, carrying the one validation problem it is. */
  public static final class TemplateException extends RuntimeException {
    private final transient ValidationProblem problem;

    TemplateException(ValidationProblem problem) {
      super(problem.toString());
      this.problem = problem;
    }

    public ValidationProblem problem() {
      return problem;
    }
  }
}
