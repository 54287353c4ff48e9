package io.sparkstep.spi;

import io.sparkstep.spec.InvalidSpecException;
import io.sparkstep.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The flavors on the classpath, found by ServiceLoader, and schema checks of operator configs. */
public final class FlavorRegistry {
  private final Map<String, Flavor> flavors = new TreeMap<>();
  /**
   * The plugin flavors, loaded when first needed: a run on a flavor of the class path (local, spark-submit,
   * kubernetes) never opens the plugins' jars nor builds their class loaders, which costs a CLI run time before Spark
   * starts (bench --suite cli).
   */
  private boolean pluginsPending;

  public FlavorRegistry(ClassLoader loader) {
    load(loader);
  }

  /** The flavors of this JVM's class path, then those of the distribution's plugins and the user's jars. */
  public FlavorRegistry() {
    this(Thread.currentThread().getContextClassLoader() != null
        ? Thread.currentThread().getContextClassLoader() : FlavorRegistry.class.getClassLoader());
    pluginsPending = true;
  }

  private synchronized Map<String, Flavor> withPlugins() {
    if (pluginsPending) {
      pluginsPending = false;
      FlavorPlugins.loaders().forEach(this::load);
    }
    return flavors;
  }

  /** A plugin that cannot be loaded is skipped with a warning naming its jar; the others still work. */
  private void load(ClassLoader loader) {
    for (Flavor flavor : io.sparkstep.util.ServiceProviders.load(Flavor.class, loader)) {
      flavors.putIfAbsent(flavor.name(), flavor);
    }
  }

  public List<Flavor> all() {
    return new ArrayList<>(withPlugins().values());
  }

  public Flavor get(String name) {
    Flavor flavor;
    synchronized (this) {
      flavor = flavors.get(name);
    }
    if (flavor == null) {
      flavor = withPlugins().get(name);
    }
    if (flavor == null) {
      throw new InvalidSpecException("flavor", "unknown flavor '" + name + "'",
          "available flavors: " + String.join(", ", flavors.keySet())
              + "; a custom flavor is a jar on the classpath (SPARKSTEP_CLASSPATH or ~/.sparkstep/plugins)");
    }
    return flavor;
  }

  /** The declaration a setting falls under: its own key, else a prefix option; null when undeclared. */
  private static ConfigOption declaration(Flavor flavor, String key) {
    ConfigOption prefix = null;
    for (ConfigOption option : flavor.options()) {
      if (option.key().equals(key)) {
        return option;
      }
      if (option.isPrefix() && option.matches(key)) {
        prefix = option;
      }
    }
    return prefix;
  }

  /**
   * {@link #validate} of a named operator's settings, each field as {@code operator NAME setting KEY}: one wording
   * for a bad setting at register and before a run.
   */
  public List<ValidationProblem> validateOperator(String operatorName, Flavor flavor, Map<String, String> settings) {
    return validate(flavor, settings).stream().map(p -> ValidationProblem.of("operator " + operatorName + " setting "
        + p.field(), p.message(), p.hint())).toList();
  }

  /** Schema and flavor checks of a configuration; every problem at once. */
  public List<ValidationProblem> validate(Flavor flavor, Map<String, String> settings) {
    List<ValidationProblem> problems = new ArrayList<>();
    for (String key : settings.keySet()) {
      // accelerator is a setting of every operator: the default accelerator of its runs (see Accelerators).
      if (flavor.options().stream().noneMatch(o -> o.matches(key))
          && !key.equals(io.sparkstep.accel.Accelerators.OPERATOR_SETTING)) {
        problems.add(ValidationProblem.of(key, "unknown setting for flavor " + flavor.name(),
            "settings: " + flavor.options().stream().map(ConfigOption::key).collect(Collectors.joining(", "))));
      }
    }
    settings.forEach((key, value) -> {
      boolean declaredSecret = flavor.options().stream().anyMatch(o -> o.secret() && o.matches(key));
      boolean reference = flavor.options().stream().anyMatch(o -> o.secretReference() && o.matches(key));
      if (!declaredSecret && !reference && io.sparkstep.util.Redactor.isSecretKey(key) && value != null && !value.contains("${")) {
        problems.add(ValidationProblem.of(key, "looks like a secret and must not be stored in the operator file",
            "give it as --set " + key + "='${ENV_VAR}' and export ENV_VAR where you run"));
      }
    });
    for (ConfigOption option : flavor.options()) {
      if (option.required() && !option.isPrefix() && (settings.get(option.key()) == null
          || settings.get(option.key()).isBlank())) {
        problems.add(ValidationProblem.of(option.key(), "is required by flavor " + flavor.name(),
            "--set " + option.key() + "=<value>: " + option.description()));
      }
      String value = settings.get(option.key());
      if (option.secret() && value != null && !value.contains("${")) {
        problems.add(ValidationProblem.of(option.key(), "is a secret and must not be stored in the operator file",
            "give it as --set " + option.key() + "='${ENV_VAR}' and export ENV_VAR where you run"));
      }
    }
    String accelerator = settings.get(io.sparkstep.accel.Accelerators.OPERATOR_SETTING);
    if (accelerator != null && !io.sparkstep.spec.SpecValidator.ACCELERATORS.contains(accelerator.trim())) {
      problems.add(ValidationProblem.of(io.sparkstep.accel.Accelerators.OPERATOR_SETTING, "unknown accelerator '"
          + accelerator + "'", "use none, comet (native CPU) or rapids (NVIDIA GPU)"));
    }
    // Each value against its declaration. The flavor then sees only well-typed values, so it reports its own rules
    // in the same pass instead of tripping over a number that is not one; a value naming a variable unset here is
    // checked, typed and read where the run resolves it (an unset one is refused before the run starts).
    Map<String, String> readable = new java.util.LinkedHashMap<>(settings);
    // Unknown keys, missing required ones and literal secrets: the flavor's own rules would only add noise.
    boolean flavorCanCheck = problems.isEmpty();
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      ConfigOption option = declaration(flavor, setting.getKey());
      String value = setting.getValue();
      // A blank value is no value: the default applies.
      if (option == null || value == null || value.isBlank()) {
        continue;
      }
      boolean readableHere = io.sparkstep.util.EnvInterpolation.problem(value, System::getenv) == null;
      if (readableHere) {
        String resolved = io.sparkstep.util.EnvInterpolation.resolve(setting.getKey(), value);
        ValidationProblem wrongType = option.type().problem(setting.getKey(), resolved);
        ValidationProblem problem = wrongType != null ? wrongType : option.problem(setting.getKey(), resolved);
        if (problem != null) {
          problems.add(problem);
        }
        readableHere = wrongType == null;
      }
      if (!readableHere) {
        readable.remove(setting.getKey());
        flavorCanCheck &= !option.required();
      }
    }
    if (flavorCanCheck) {
      problems.addAll(flavor.validate(new OperatorConfig("candidate", flavor.name(), readable, flavor.options())));
    }
    return problems;
  }
}
