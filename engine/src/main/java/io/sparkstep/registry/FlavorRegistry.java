package io.sparkstep.registry;

import io.sparkstep.lineage.OpenLineageSettings;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import io.sparkstep.util.ServiceProviders;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import io.sparkstep.spi.accel.Accelerator;

/** The flavors on the classpath, found by ServiceLoader, and schema checks of operator configs. */
public final class FlavorRegistry {
  private final Map<String, Flavor> flavors = new TreeMap<>();
  private final Map<String, UnavailableFlavor> unavailable = new TreeMap<>();
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

  /**
   * Each flavor {@code loader} provides, checked once here (its name, description and settings, what {@code flavor
   * list} shows): one that fails, or whose name another jar also provides, becomes an {@link UnavailableFlavor}
   * instead, and the others still work. A plugin's loader lists the providers of its own jars only (FlavorPlugins).
   */
  private void load(ClassLoader loader) {
    String plugin = FlavorPlugins.pluginName(loader);
    List<Flavor> found = ServiceProviders.load(Flavor.class, loader,
        failure -> notLoaded(plugin, failure));
    for (Flavor flavor : found) {
      add(flavor, plugin);
    }
  }

  private void notLoaded(String plugin, ServiceProviders.Failure failure) {
    Path pluginDir = plugin == null ? null : FlavorPlugins.directory(plugin);
    // The failing provider's jar says whose it is: only one under the plugin's directory is the plugin's.
    boolean ofPlugin = pluginDir != null && failure.jar() != null && Paths.get(failure.jar()).startsWith(pluginDir);
    String name = ofPlugin ? plugin : failure.provider() != null ? failure.provider() : "(unnamed provider)";
    String source = failure.jar() != null ? failure.jar() : pluginDir != null ? pluginDir.toString() : null;
    unavailable(new UnavailableFlavor(name, source, LoadFailure.describe(failure.error()),
        fixFor(ofPlugin ? plugin : null), failure.error()));
  }

  private void add(Flavor flavor, String plugin) {
    String name;
    try {
      name = flavor.name();
    } catch (RuntimeException | LinkageError e) {
      unavailable(new UnavailableFlavor(plugin != null ? plugin : flavor.getClass().getName(), sourceOf(flavor),
          "its name() failed: " + LoadFailure.describe(e), fixFor(plugin), e));
      return;
    }
    Flavor existing = flavors.get(name);
    if (existing != null && existing.getClass() == flavor.getClass()) {
      return;
    }
    if (existing != null) {
      flavors.remove(name);
      unavailable(new UnavailableFlavor(name, null, "two jars provide it: " + sourceOf(existing) + " ("
          + existing.getClass().getName() + ") and " + sourceOf(flavor) + " (" + flavor.getClass().getName() + ")",
          "remove one of them", null));
      return;
    }
    if (unavailable.containsKey(name)) {
      return;
    }
    try {
      flavor.description();
      flavor.options();
    } catch (RuntimeException | LinkageError e) {
      unavailable(new UnavailableFlavor(name, sourceOf(flavor), "it cannot describe its settings: "
          + LoadFailure.describe(e), fixFor(plugin), e));
      return;
    }
    flavors.put(name, flavor);
  }

  private void unavailable(UnavailableFlavor flavor) {
    unavailable.putIfAbsent(flavor.name(), flavor);
  }

  private static String fixFor(String plugin) {
    return plugin != null
        ? "its plugin directory is incomplete or clashes with lib/: reinstall Sparkstep (plugins/" + plugin
            + "/dependencies.txt lists what it needs)"
        : "fix or remove that jar (SPARKSTEP_CLASSPATH, $SPARKSTEP_HOME/plugins or the installation's lib/)";
  }

  /** The jar (or directory) a flavor's class came from. */
  private static String sourceOf(Flavor flavor) {
    java.security.CodeSource code = flavor.getClass().getProtectionDomain().getCodeSource();
    if (code == null || code.getLocation() == null) {
      return flavor.getClass().getName();
    }
    try {
      return Paths.get(code.getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return code.getLocation().toString();
    }
  }

  /** The flavors that work. */
  public List<Flavor> all() {
    return new ArrayList<>(withPlugins().values());
  }

  /** The flavors found that cannot be used, each with why. */
  public synchronized List<UnavailableFlavor> unavailable() {
    withPlugins();
    return new ArrayList<>(unavailable.values());
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
      UnavailableFlavor broken;
      synchronized (this) {
        broken = unavailable.get(name);
      }
      if (broken != null) {
        throw new FlavorUnavailableException(broken);
      }
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
      // accelerator is a setting of every operator: the default accelerator of its runs (see Accelerators); so are
      // where its runs' OpenLineage events go (see OpenLineageSettings).
      if (flavor.options().stream().noneMatch(o -> o.matches(key))
          && !key.equals(Accelerators.OPERATOR_SETTING) && !OpenLineageSettings.OPERATOR_SETTINGS.contains(key)) {
        problems.add(ValidationProblem.of(key, "unknown setting for flavor " + flavor.name(),
            "settings: " + flavor.options().stream().map(ConfigOption::key).collect(Collectors.joining(", "))));
      }
    }
    settings.forEach((key, value) -> {
      boolean declaredSecret = flavor.options().stream().anyMatch(o -> o.secret() && o.matches(key));
      boolean reference = flavor.options().stream().anyMatch(o -> o.secretReference() && o.matches(key));
      if (!declaredSecret && !reference && Redactor.isSecretKey(key) && value != null && !value.contains("${")) {
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
    String accelerator = settings.get(Accelerators.OPERATOR_SETTING);
    if (accelerator != null && Accelerator.byId(accelerator.trim()) == null) {
      problems.add(Accelerators.unknown(Accelerators.OPERATOR_SETTING,
          accelerator));
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
      boolean readableHere = EnvInterpolation.problem(value, System::getenv) == null;
      if (readableHere) {
        String resolved = EnvInterpolation.resolve(setting.getKey(), value);
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
