package io.sparkstep.flavor.kubernetes.settings;

import io.sparkstep.spi.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code volume.NAME=TYPE:/mount/path[:OPTION=VALUE;...]} setting, in the terms of Spark's own volume conf
 * ({@code spark.kubernetes.{driver,executor}.volumes.TYPE.NAME.*}), which Spark turns into pod volumes and mounts.
 */
public record VolumeSpec(String name, String type, String mountPath, boolean readOnly, Map<String, String> options) {
  private static final Map<String, List<String>> REQUIRED_OPTIONS = Map.of(
      "persistentVolumeClaim", List.of("claimName"),
      "hostPath", List.of("path"),
      "emptyDir", List.of(),
      "nfs", List.of("server", "path"));

  public static VolumeSpec parse(String name, String value) {
    String[] parts = value == null ? new String[0] : value.split(":", 3);
    String type = parts.length > 0 ? parts[0].trim() : "";
    String mount = parts.length > 1 ? parts[1].trim() : "";
    Map<String, String> options = new LinkedHashMap<>();
    boolean readOnly = false;
    if (parts.length > 2) {
      for (String option : parts[2].split(";")) {
        int eq = option.indexOf('=');
        if (eq > 0) {
          String key = option.substring(0, eq).trim();
          String v = option.substring(eq + 1).trim();
          if (key.equals("readOnly")) {
            readOnly = Boolean.parseBoolean(v);
          } else {
            options.put(key, v);
          }
        } else if (!option.isBlank()) {
          options.put(option.trim(), null);
        }
      }
    }
    return new VolumeSpec(name, type, mount, readOnly, options);
  }

  public static List<ValidationProblem> problems(String name, String value) {
    List<ValidationProblem> problems = new ArrayList<>();
    String field = "volume." + name;
    VolumeSpec v = parse(name, value);
    if (!KubernetesSettings.isDnsLabel(name)) {
      problems.add(ValidationProblem.of(field, "'" + name + "' is not a valid volume name",
          "use lower-case letters, digits and '-', e.g. volume.data=..."));
    }
    List<String> required = REQUIRED_OPTIONS.get(v.type());
    if (required == null) {
      problems.add(ValidationProblem.of(field, "unknown volume type '" + v.type() + "'",
          "write TYPE:/mount/path[:OPTION=VALUE;...] with TYPE one of " + String.join(", ",
              REQUIRED_OPTIONS.keySet().stream().sorted().toList())));
      return problems;
    }
    if (!v.mountPath().startsWith("/")) {
      problems.add(ValidationProblem.of(field, "mount path '" + v.mountPath() + "' is not absolute",
          "e.g. volume." + name + "=" + v.type() + ":/data"));
    }
    for (String option : required) {
      String given = v.options().get(option);
      if (given == null || given.isBlank()) {
        problems.add(ValidationProblem.of(field, v.type() + " volumes need option " + option,
            "e.g. volume." + name + "=" + v.type() + ":/data:" + option + "=..."));
      }
    }
    v.options().forEach((k, val) -> {
      if (val == null) {
        problems.add(ValidationProblem.of(field, "option '" + k + "' has no value", "write OPTION=VALUE"));
      }
    });
    return problems;
  }

  /** Spark conf mounting this volume into pods of {@code role} (driver or executor). */
  public Map<String, String> sparkConf(String role) {
    Map<String, String> conf = new LinkedHashMap<>();
    String prefix = "spark.kubernetes." + role + ".volumes." + type + "." + name + ".";
    conf.put(prefix + "mount.path", mountPath);
    conf.put(prefix + "mount.readOnly", Boolean.toString(readOnly));
    options.forEach((k, v) -> conf.put(prefix + "options." + k, v));
    return conf;
  }
}
