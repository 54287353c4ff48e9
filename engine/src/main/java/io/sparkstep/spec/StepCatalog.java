package io.sparkstep.spec;

import io.sparkstep.api.Step;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.util.ServiceProviders;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds steps by class name or by alias. Aliases come from steps listed in
 * {@code META-INF/services/io.sparkstep.api.Step} on the classpath (the samples, and any user jar that lists its
 * steps the same way).
 */
public final class StepCatalog {
  private final ClassLoader classLoader;

  public StepCatalog() {
    this(Thread.currentThread().getContextClassLoader());
  }

  public StepCatalog(ClassLoader classLoader) {
    this.classLoader = classLoader == null ? StepCatalog.class.getClassLoader() : classLoader;
  }

  /** Alias to step, read once per catalog: every step's describe() runs once, not once per lookup. */
  private Map<String, Step> listed;

  /** Alias to step, for every step the classpath lists. */
  public synchronized Map<String, Step> listed() {
    if (listed == null) {
      listed = java.util.Collections.unmodifiableMap(describeListed());
    }
    return listed;
  }

  private Map<String, Step> describeListed() {
    Map<String, Step> byAlias = new TreeMap<>();
    for (Step step : ServiceProviders.load(Step.class, classLoader)) {
      try {
        byAlias.put(step.describe().name(), step);
      } catch (RuntimeException | LinkageError e) {
        System.err.println("sparkstep: warning: skipped step " + step.getClass().getName() + " (its describe() failed: "
            + e + ")");
      }
    }
    return byAlias;
  }

  /**
   * A new instance of the step named by alias or class name.
   *
   * @throws InvalidSpecException naming the field {@code step} when it cannot be found or built
   */
  public Step resolve(String nameOrClass) {
    if (nameOrClass == null || nameOrClass.isBlank()) {
      throw new InvalidSpecException("step", "is missing", "name a step class or alias: " + listed().keySet());
    }
    Step listed = listed().get(nameOrClass);
    if (listed != null) {
      return instantiate(listed.getClass());
    }
    Class<?> type;
    try {
      type = Class.forName(nameOrClass, true, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidSpecException("step", "unknown step '" + nameOrClass + "'",
          "use a step alias " + listed().keySet() + " or a class name on the classpath (add its jar)");
    }
    if (!Step.class.isAssignableFrom(type)) {
      throw new InvalidSpecException("step", type.getName() + " does not implement " + Step.class.getName(),
          "a step class implements io.sparkstep.api.Step");
    }
    return instantiate(type);
  }

  private static Step instantiate(Class<?> type) {
    try {
      return (Step) type.getDeclaredConstructor().newInstance();
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new InvalidSpecException("step", "the constructor of " + type.getName() + " failed: " + e.getCause(),
          "fix the step class (its no-argument constructor must not throw)");
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new InvalidSpecException("step", "cannot create " + type.getName() + ": " + e,
          "a step needs a public no-argument constructor");
    }
  }
}
