package io.sparkstep.spec;

import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.remote.GpuVendor;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.WriteMode;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spec.StepCatalog;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.sparkstep.spi.util.EnvInterpolation;

/**
 * Checks a whole spec against the step it names and reports every problem at once, each with its field path and a
 * hint. Runs on the submitting side before anything is launched, and again in the entrypoint.
 */
public final class SpecValidator {
  /** URI schemes that name Hadoop file systems Sparkstep supports for inputs and outputs. */
  public static final Set<String> SCHEMES = Set.of("file", "hdfs", "s3a", "gs", "abfs", "abfss", "viewfs", "wasb", "wasbs");
  /** Run ids name a directory under the home's runs/ and appear in platform job names: a safe, short name. */
  /** Limits that keep a spec readable and its checks fast; a spec beyond them is refused, not truncated. */
  public static final int MAX_PARAMS = 500;
  public static final int MAX_ARTIFACTS = 100;
  public static final int MAX_CONF = 1000;
  public static final int MAX_LABELS = 100;
  public static final int MAX_VALUE_CHARS = 64 * 1024;

  private final StepCatalog catalog;

  public SpecValidator(StepCatalog catalog) {
    this.catalog = catalog;
  }

  public SpecValidator() {
    this(new StepCatalog());
  }

  /** Throws {@link InvalidSpecException} listing every problem; returns the typed parameters otherwise. */
  public Map<String, Object> validateOrThrow(StepSpec spec, boolean checkLocalPaths) {
    List<ValidationProblem> problems = new ArrayList<>();
    Map<String, Object> typed = validate(spec, checkLocalPaths, problems);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return typed;
  }

  /**
   * Adds every problem to {@code problems}.
   *
   * @param checkLocalPaths also check that {@code file:} inputs exist and outputs do not (unless overwrite); other
   *     file systems are checked by the entrypoint where their credentials are
   * @return typed parameter values with defaults applied (partial when there are problems)
   */
  public Map<String, Object> validate(StepSpec spec, boolean checkLocalPaths, List<ValidationProblem> problems) {
    Map<String, Object> typed = new LinkedHashMap<>();
    if (spec.specVersion != StepSpec.CURRENT_VERSION) {
      problems.add(ValidationProblem.of("specVersion", "unknown spec version " + spec.specVersion,
          "this engine reads version " + StepSpec.CURRENT_VERSION));
    }
    validateRunId(spec.runId, problems);
    boolean withinLimits = validateLimits(spec, problems);
    StepDescriptor descriptor = null;
    ClassLoader stepLoader = null;
    try {
      Step step = catalog.resolve(spec.step);
      stepLoader = step.getClass().getClassLoader();
      try {
        descriptor = step.describe();
      } catch (RuntimeException | LinkageError e) {
        problems.add(ValidationProblem.of("step", step.getClass().getName() + ".describe() failed: " + e,
            "fix the step class (its describe() must not throw)"));
      }
    } catch (InvalidSpecException e) {
      problems.addAll(e.problems());
    }
    if (descriptor != null && withinLimits) {
      validateParams(spec, descriptor, typed, problems);
      validateNames("inputs", spec.inputs, descriptor.inputs(), problems);
      validateNames("outputs", spec.outputs, descriptor.outputs(), problems);
      if (checkLocalPaths && !descriptor.modelInputs().isEmpty()) {
        problems.addAll(ModelInputCheck.problems(spec, descriptor,
            new org.apache.hadoop.conf.Configuration(), stepLoader, true));
      }
    }
    ClassLoader connectorLoader = stepLoader != null ? stepLoader : SpecValidator.class.getClassLoader();
    spec.inputs.forEach((name, artifact) -> validateArtifact("inputs." + name, artifact, false, checkLocalPaths,
        spec.sparkConf, connectorLoader, problems));
    spec.outputs.forEach((name, artifact) -> validateArtifact("outputs." + name, artifact, true, checkLocalPaths,
        spec.sparkConf, connectorLoader, problems));
    problems.addAll(ArtifactOverlap.problems(spec));
    validateResources(spec.resources, problems);
    if (spec.accelerator != null && Accelerator.byId(spec.accelerator) == null) {
      problems.add(Accelerators.unknown(Accelerators.ACCELERATOR_FIELD, spec.accelerator));
    }
    if (spec.retry != null && spec.retry.maxAttempts < 1) {
      problems.add(ValidationProblem.of("retry.maxAttempts", "must be at least 1, was " + spec.retry.maxAttempts,
          "1 means no retry"));
    }
    if (spec.retry != null && spec.retry.backoffMillis < 0) {
      problems.add(ValidationProblem.of("retry.backoffMillis", "must not be negative", "use 0 or more"));
    }
    spec.sparkConf.forEach((key, value) -> {
      if (!key.startsWith("spark.")) {
        problems.add(ValidationProblem.of("sparkConf." + key, "is not a Spark setting",
            "Spark conf keys start with 'spark.'"));
      }
      if (value == null) {
        problems.add(ValidationProblem.of("sparkConf." + key, "has no value", "give it a value or drop it"));
      } else {
        String reference = EnvInterpolation.problem(value, name -> "set");
        if (reference != null) {
          problems.add(ValidationProblem.of("sparkConf." + key, reference, "write ${NAME}, ${NAME:-default} or $${ for a literal"));
        }
      }
    });
    return typed;
  }

  private static void validateParams(StepSpec spec, StepDescriptor descriptor, Map<String, Object> typed,
                                     List<ValidationProblem> problems) {
    for (String given : spec.params.keySet()) {
      if (descriptor.param(given) == null) {
        problems.add(ValidationProblem.of("params." + given, "unknown parameter of step " + descriptor.name(),
            "declared parameters: " + descriptor.params()));
      }
    }
    for (ParamDef def : descriptor.params()) {
      Object raw = spec.params.get(def.name());
      if (raw == null) {
        if (def.isRequired()) {
          problems.add(ValidationProblem.of("params." + def.name(), "required parameter is missing",
              "pass --param " + def.name() + "=<" + def.type().name().toLowerCase() + ">"));
        }
        typed.put(def.name(), def.defaultValue());
        continue;
      }
      try {
        typed.put(def.name(), def.validate(raw));
      } catch (IllegalArgumentException e) {
        problems.add(ValidationProblem.of("params." + def.name(), e.getMessage(),
            "expected " + def.type().name().toLowerCase() + (def.choices().isEmpty() ? "" : " in " + def.choices())));
      }
    }
  }

  private static void validateNames(String field, Map<String, ArtifactSpec> given, Map<String, String> declared,
                                    List<ValidationProblem> problems) {
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        problems.add(ValidationProblem.of(field + "." + name, "the step declares no such " + singular(field),
            "declared " + field + ": " + declared.keySet()));
      }
    }
    for (String name : declared.keySet()) {
      if (!given.containsKey(name)) {
        problems.add(ValidationProblem.of(field + "." + name, "is missing",
            "pass --" + singular(field) + " " + name + "=<uri>"));
      }
    }
  }

  private static String singular(String field) {
    return field.substring(0, field.length() - 1);
  }

  private static void validateArtifact(String field, ArtifactSpec artifact, boolean output, boolean checkLocalPaths,
                                       Map<String, String> sparkConf, ClassLoader connectorLoader,
                                       List<ValidationProblem> problems) {
    if (artifact == null || artifact.uri == null || artifact.uri.isBlank()) {
      problems.add(ValidationProblem.of(field + ".uri", "is missing", "give a URI such as file:/data/x or s3a://bucket/x"));
      return;
    }
    Format format = Format.PARQUET;
    if (artifact.format != null) {
      try {
        format = Format.parse(artifact.format);
      } catch (IllegalArgumentException e) {
        problems.add(ValidationProblem.of(field + ".format", e.getMessage(), "parquet is the default"));
      }
    }
    TableFormats.check(field, artifact, format, output, connectorLoader, problems);
    if (artifact.mode != null) {
      if (!output) {
        problems.add(ValidationProblem.of(field + ".mode", "applies to outputs only", "remove it"));
      } else {
        try {
          WriteMode.parse(artifact.mode);
        } catch (IllegalArgumentException e) {
          problems.add(ValidationProblem.of(field + ".mode", e.getMessage(), "error refuses an existing output"));
        }
      }
    }
    URI uri;
    try {
      uri = new URI(artifact.uri);
    } catch (URISyntaxException e) {
      problems.add(ValidationProblem.of(field + ".uri", "is not a valid URI: " + e.getReason(),
          "escape spaces and special characters"));
      return;
    }
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
    if (!SCHEMES.contains(scheme)) {
      problems.add(ValidationProblem.of(field + ".uri", "unsupported scheme '" + scheme + "'",
          "use one of file, hdfs, s3a, gs, abfs (s3:// and s3n:// are s3a:// in Hadoop)"));
      return;
    }
    if (uri.isOpaque() || uri.getPath() == null || uri.getScheme() != null && !uri.getPath().startsWith("/")) {
      problems.add(ValidationProblem.of(field + ".uri", "'" + artifact.uri + "' has no absolute path",
          "write " + scheme + ":/absolute/path (or a plain relative path for a local file)"));
      return;
    }
    if (!"file".equals(scheme) && (uri.getAuthority() == null || uri.getAuthority().isBlank())
        && !"hdfs".equals(scheme) && !"viewfs".equals(scheme)) {
      problems.add(ValidationProblem.of(field + ".uri", "'" + artifact.uri + "' names no bucket or container",
          "write " + scheme + "://bucket/path"));
      return;
    }
    if (uri.getPath().equals("/") || uri.getPath().isEmpty()) {
      problems.add(ValidationProblem.of(field + ".uri", "'" + artifact.uri + "' is the root of its file system",
          "name a directory below it"));
      return;
    }
    if (!"file".equals(scheme)) {
      ValidationProblem unserved = FileSystemConnectors.problem(field + ".uri", scheme, sparkConf, connectorLoader);
      if (unserved != null) {
        problems.add(unserved);
        return;
      }
    }
    if (checkLocalPaths && scheme.equals("file")) {
      File file = new File(uri.getScheme() == null ? artifact.uri : uri.getPath());
      if (!output && !file.exists()) {
        problems.add(ValidationProblem.of(field + ".uri", "input path does not exist: " + file,
            "run the step that produces it first, or fix the path"));
      }
      if (output && file.exists() && safeMode(artifact) == WriteMode.ERROR) {
        problems.add(ValidationProblem.of(field + ".uri", "output already exists: " + file,
            "set mode overwrite (--overwrite) to replace it, or choose another path"));
      }
    }
  }

  private static WriteMode safeMode(ArtifactSpec artifact) {
    try {
      return artifact.modeOrDefault();
    } catch (IllegalArgumentException e) {
      return WriteMode.ERROR;
    }
  }

  private static void validateResources(ResourceSpec resources, List<ValidationProblem> problems) {
    if (resources == null) {
      return;
    }
    nonNegative("resources.cpu", resources.cpu, problems);
    nonNegative("resources.gpus", resources.gpus, problems);
    nonNegative("resources.executors", resources.executors, problems);
    nonNegative("resources.executorCpu", resources.executorCpu, problems);
    nonNegative("resources.diskGb", resources.diskGb, problems);
    memory("resources.memory", resources.memory, problems);
    memory("resources.executorMemory", resources.executorMemory, problems);
    memory("resources.memoryOverhead", resources.memoryOverhead, problems);
    if (resources.dynamicAllocation != null) {
      ResourceSpec.DynamicAllocation dyn = resources.dynamicAllocation;
      if (dyn.maxExecutors > 0 && dyn.minExecutors > dyn.maxExecutors) {
        problems.add(ValidationProblem.of("resources.dynamicAllocation.minExecutors",
            "is greater than maxExecutors (" + dyn.minExecutors + " > " + dyn.maxExecutors + ")", "lower min or raise max"));
      }
      if (dyn.enabled && resources.executors > 0) {
        problems.add(ValidationProblem.of("resources.executors",
            "is fixed while dynamic allocation is enabled", "set dynamicAllocation.minExecutors/maxExecutors instead"));
      }
    }
    if (resources.gpuVendor != null && resources.gpus == 0) {
      problems.add(ValidationProblem.of("resources.gpuVendor", "is set but no GPUs are requested", "set gpus or drop gpuVendor"));
    }
    // One vocabulary on every flavor, checked once here: a flavor maps a known vendor or refuses it, never guesses.
    if (resources.gpuVendor != null && GpuVendor.parse(resources.gpuVendor).isEmpty()) {
      problems.add(ValidationProblem.of("resources.gpuVendor", "'" + resources.gpuVendor + "' is not a GPU vendor",
          "use " + GpuVendor.vocabulary() + " (or leave it out)"));
    }
  }

  private static void nonNegative(String field, long value, List<ValidationProblem> problems) {
    if (value < 0) {
      problems.add(ValidationProblem.of(field, "must not be negative, was " + value, "use 0 (unset) or a positive number"));
    }
  }

  private static void memory(String field, String value, List<ValidationProblem> problems) {
    if (value == null) {
      return;
    }
    try {
      if (MemorySize.memoryMiB(value) <= 0) {
        problems.add(ValidationProblem.of(field, "'" + value + "' is less than 1 MiB", "use e.g. 512m or 4g"));
      }
    } catch (RuntimeException e) {
      problems.add(ValidationProblem.of(field, "'" + value + "' is not a memory size",
          "use Spark notation such as 512m or 4g"));
    }
  }

  private static void validateRunId(String runId, List<ValidationProblem> problems) {
    if (runId != null && (!RunStore.RUN_ID.matcher(runId).matches() || runId.contains(".."))) {
      problems.add(ValidationProblem.of("runId", "'" + ValidationProblem.shorten(runId) + "' is not a safe run id",
          "use letters, digits, '.', '_' and '-' (no '..', at most 100 characters), or leave it out for a generated one"));
    }
  }

  private static boolean validateLimits(StepSpec spec, List<ValidationProblem> problems) {
    int before = problems.size();
    limit("params", spec.params.size(), MAX_PARAMS, problems);
    limit("inputs", spec.inputs.size(), MAX_ARTIFACTS, problems);
    limit("outputs", spec.outputs.size(), MAX_ARTIFACTS, problems);
    limit("sparkConf", spec.sparkConf.size(), MAX_CONF, problems);
    limit("labels", spec.labels.size(), MAX_LABELS, problems);
    spec.params.forEach((k, v) -> longValue("params." + k, v == null ? null : String.valueOf(v), problems));
    spec.sparkConf.forEach((k, v) -> longValue("sparkConf." + k, v, problems));
    spec.labels.forEach((k, v) -> longValue("labels." + k, v, problems));
    if (problems.size() == before) {
      // refused here, not first by the entrypoint that reads it (StepSpecJson.read) after the run was sent
      int chars = StepSpecJson.write(spec).length();
      if (chars > StepSpecJson.MAX_SPEC_CHARS) {
        problems.add(ValidationProblem.of("spec", "is " + chars + " characters as JSON, more than the limit of "
            + StepSpecJson.MAX_SPEC_CHARS, "pass large configuration as a file or URI parameter instead"));
      }
    }
    return problems.size() == before;
  }

  private static void limit(String field, int count, int max, List<ValidationProblem> problems) {
    if (count > max) {
      problems.add(ValidationProblem.of(field, "has " + count + " entries, more than the limit of " + max,
          "pass large configuration as a file or URI parameter instead"));
    }
  }

  private static void longValue(String field, String value, List<ValidationProblem> problems) {
    if (value != null && value.length() > MAX_VALUE_CHARS) {
      problems.add(ValidationProblem.of(ValidationProblem.shorten(field), "is " + value.length() + " characters long, more than "
          + MAX_VALUE_CHARS, "pass large values as a file or URI"));
    }
  }

  /**
   * Checks that every {@code ${VAR}} in the spec's Spark conf and in the operator's settings resolves with
   * {@code env}: for operators that resolve them in this process (or one it starts with this environment).
   */
  public static void checkEnvironment(StepSpec spec, Map<String, String> operatorSettings,
                                      java.util.function.Function<String, String> env,
                                      List<ValidationProblem> problems) {
    spec.sparkConf.forEach((key, value) -> {
      String problem = EnvInterpolation.problem(value, env);
      if (problem != null && !problem.startsWith("has a")) {
        problems.add(ValidationProblem.of("sparkConf." + key, problem, hintFor(value)));
      }
    });
    operatorSettings.forEach((key, value) -> {
      String problem = EnvInterpolation.problem(value, env);
      if (problem != null) {
        problems.add(ValidationProblem.of("operator setting " + key, problem, hintFor(value)));
      }
    });
  }

  private static String hintFor(String value) {
    List<String> names = EnvInterpolation.variables(value);
    String name = names.isEmpty() ? "NAME" : names.get(0);
    return "export " + name + " before the run, or write ${" + name + ":-default}";
  }
}
