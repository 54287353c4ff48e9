package io.sparkstep.spec;

import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.record.RunStore;
import java.util.ArrayList;
import org.apache.hadoop.conf.Configuration;
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
  /** The checks, in the order their problems are listed. */
  private final List<SpecCheck> checks = List.of(SpecValidator::checkVersion, SpecValidator::checkRunId,
      SpecValidator::checkLimits, this::checkStep, SpecValidator::checkParams, SpecValidator::checkDeclaredArtifacts,
      SpecValidator::checkModelInputs, ArtifactCheck.INPUTS, ArtifactCheck.OUTPUTS,
      context -> context.problems.addAll(ArtifactOverlap.problems(context.spec)), new ResourceCheck(),
      SpecValidator::checkAccelerator, SpecValidator::checkRetry, SpecValidator::checkSparkConf);

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
    SpecCheckContext context = new SpecCheckContext(spec, checkLocalPaths, problems);
    checks.forEach(check -> check.check(context));
    return context.typed;
  }

  private static void checkVersion(SpecCheckContext context) {
    if (context.spec.specVersion != StepSpec.CURRENT_VERSION) {
      context.add(ValidationProblem.of("specVersion", "unknown spec version " + context.spec.specVersion,
          "this engine reads version " + StepSpec.CURRENT_VERSION));
    }
  }

  /** Resolves and describes the step: the later checks of parameters, inputs and outputs need its declarations. */
  private void checkStep(SpecCheckContext context) {
    try {
      Step step = catalog.resolve(context.spec.step);
      context.stepLoader = step.getClass().getClassLoader();
      try {
        context.descriptor = step.describe();
      } catch (RuntimeException | LinkageError e) {
        context.add(ValidationProblem.of("step", step.getClass().getName() + ".describe() failed: " + e,
            "fix the step class (its describe() must not throw)"));
      }
    } catch (InvalidSpecException e) {
      context.problems.addAll(e.problems());
    }
  }

  private static void checkParams(SpecCheckContext context) {
    if (context.stepDescribed()) {
      validateParams(context.spec, context.descriptor, context.typed, context.problems);
    }
  }

  /** The spec gives every input and output the step declares, and no other. */
  private static void checkDeclaredArtifacts(SpecCheckContext context) {
    if (context.stepDescribed()) {
      validateNames("inputs", context.spec.inputs, context.descriptor.inputs(), context.problems);
      validateNames("outputs", context.spec.outputs, context.descriptor.outputs(), context.problems);
    }
  }

  private static void checkModelInputs(SpecCheckContext context) {
    if (context.stepDescribed() && context.checkLocalPaths && !context.descriptor.modelInputs().isEmpty()) {
      context.problems.addAll(ModelInputCheck.problems(context.spec, context.descriptor, new Configuration(),
          context.stepLoader, true));
    }
  }

  private static void checkAccelerator(SpecCheckContext context) {
    String accelerator = context.spec.accelerator;
    if (accelerator != null && Accelerator.byId(accelerator) == null) {
      context.add(Accelerators.unknown(Accelerators.ACCELERATOR_FIELD, accelerator));
    }
  }

  private static void checkRetry(SpecCheckContext context) {
    StepSpec.RetrySpec retry = context.spec.retry;
    if (retry != null && retry.maxAttempts < 1) {
      context.add(ValidationProblem.of("retry.maxAttempts", "must be at least 1, was " + retry.maxAttempts,
          "1 means no retry"));
    }
    if (retry != null && retry.backoffMillis < 0) {
      context.add(ValidationProblem.of("retry.backoffMillis", "must not be negative", "use 0 or more"));
    }
  }

  /** Spark settings only, each with a value whose {@code ${...}} references are well formed. */
  private static void checkSparkConf(SpecCheckContext context) {
    context.spec.sparkConf.forEach((key, value) -> {
      if (!key.startsWith("spark.")) {
        context.add(ValidationProblem.of("sparkConf." + key, "is not a Spark setting",
            "Spark conf keys start with 'spark.'"));
      }
      if (value == null) {
        context.add(ValidationProblem.of("sparkConf." + key, "has no value", "give it a value or drop it"));
      } else {
        String reference = EnvInterpolation.problem(value, name -> "set");
        if (reference != null) {
          context.add(ValidationProblem.of("sparkConf." + key, reference,
              "write ${NAME}, ${NAME:-default} or $${ for a literal"));
        }
      }
    });
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

  private static void checkRunId(SpecCheckContext context) {
    String runId = context.spec.runId;
    List<ValidationProblem> problems = context.problems;
    if (runId != null && (!RunStore.RUN_ID.matcher(runId).matches() || runId.contains(".."))) {
      problems.add(ValidationProblem.of("runId", "'" + ValidationProblem.shorten(runId) + "' is not a safe run id",
          "use letters, digits, '.', '_' and '-' (no '..', at most 100 characters), or leave it out for a generated one"));
    }
  }

  /** Sizes within the limits; the checks against the step's declarations run only on a spec within them. */
  private static void checkLimits(SpecCheckContext context) {
    StepSpec spec = context.spec;
    List<ValidationProblem> problems = context.problems;
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
    context.withinLimits = problems.size() == before;
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
