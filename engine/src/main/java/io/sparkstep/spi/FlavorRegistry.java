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
    if (problems.isEmpty()) {
      problems.addAll(flavor.validate(new OperatorConfig("candidate", flavor.name(), settings, flavor.options())));
    }
    return problems;
  }
}
