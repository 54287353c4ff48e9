package io.sparkstep.spi;

import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The secrets of one run, found once for every flavor: the values of secret-looking keys (Spark conf, operator
 * settings, step parameters), every value a {@code ${VAR}} reference resolves to in a secret setting or names a
 * secret-looking variable, declared-secret operator options, and secret-looking variables of this process's
 * environment. {@link #register} hands them to {@link Redactor}, which scrubs them from every log line, record field
 * and CLI output.
 *
 * <p>{@link #externalize} is how a secret travels to a child process without being written down: the value goes
 * into the child's environment and the conf keeps only a {@code ${VAR}} reference, which the entrypoint resolves.
 */
public final class RunSecrets {
  /**
   * Prefix of the environment variables that carry a run's literal secrets to its driver. {@code SPARK_} because a
   * standalone master forwards the submitter's {@code SPARK_*} variables to a cluster-mode driver.
   */
  public static final String ENV_PREFIX = "SPARK_SPARKSTEP_SECRET_";

  private RunSecrets() {
  }

  /** Finds and registers the run's secrets; returns them (never to be printed). */
  public static Set<String> register(StepSpec spec, OperatorConfig config) {
    Set<String> secrets = find(spec, config, System::getenv, System.getenv());
    Redactor.registerAll(secrets);
    return secrets;
  }

  /** Registers the secret-looking variables of this process's environment (the entrypoint, a driver pod). */
  public static void registerEnvironment() {
    Redactor.registerAll(fromEnvironment(System.getenv()));
  }

  static Set<String> find(StepSpec spec, OperatorConfig config, Function<String, String> env,
                          Map<String, String> environment) {
    Set<String> secrets = new LinkedHashSet<>(fromEnvironment(environment));
    if (spec != null) {
      spec.sparkConf.forEach((key, value) -> addSetting(key, value, false, env, secrets));
      spec.params.forEach((key, value) -> addSetting(key, value == null ? null : value.toString(), false, env, secrets));
    }
    if (config != null) {
      config.raw().forEach((key, value) -> addSetting(key, value, config.isDeclaredSecret(key), env, secrets));
    }
    return secrets;
  }

  private static Set<String> fromEnvironment(Map<String, String> environment) {
    Set<String> secrets = new LinkedHashSet<>();
    environment.forEach((name, value) -> {
      if ((Redactor.isSecretKey(name) || name.startsWith(ENV_PREFIX)) && value != null) {
        secrets.add(value);
      }
    });
    return secrets;
  }

  private static void addSetting(String key, String value, boolean declaredSecret, Function<String, String> env,
                                 Set<String> secrets) {
    if (value == null) {
      return;
    }
    boolean secretKey = declaredSecret || Redactor.isSecretKey(key);
    if (EnvInterpolation.references(value)) {
      for (String variable : EnvInterpolation.variables(value)) {
        String resolved = env.apply(variable);
        if (resolved != null && (secretKey || Redactor.isSecretKey(variable))) {
          secrets.add(resolved);
        }
      }
      if (secretKey) {
        try {
          secrets.add(EnvInterpolation.resolve(key, value, env));
        } catch (RuntimeException unresolved) {
          // the validator reports the unset variable
        }
      }
    } else if (secretKey) {
      secrets.add(value);
    }
  }

  /**
   * Moves literal secret values of {@code conf} into {@code childEnv}: each such entry's value becomes
   * {@code ${SPARK_SPARKSTEP_SECRET_n}}. Values that are already {@code ${VAR}} references stay as they are (the
   * child inherits or is given the variable).
   *
   * @return the conf to write down or put on a command line
   */
  public static Map<String, String> externalize(Map<String, String> conf, Map<String, String> childEnv) {
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> registered = Redactor.registered();
    conf.forEach((key, value) -> {
      if (value != null && !EnvInterpolation.references(value) && isSecret(key, value, registered)) {
        out.put(key, reference(value, childEnv));
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  /**
   * As {@link #externalize} for the spec's step parameters, which the entrypoint does not interpolate (a parameter
   * may hold a literal {@code ${...}}): each secret parameter's value is replaced by the name of the variable that
   * carries it, and the spec's {@link #PARAMS_FROM_ENVIRONMENT} label lists those parameters for
   * {@link #internalizeParams}.
   */
  public static void externalizeParams(StepSpec spec, Map<String, String> childEnv) {
    Set<String> registered = Redactor.registered();
    List<String> moved = new ArrayList<>();
    spec.params.replaceAll((key, value) -> {
      if (value instanceof String text && isSecret(key, text, registered)) {
        moved.add(key);
        return carry(text, childEnv);
      }
      return value;
    });
    if (!moved.isEmpty()) {
      spec.labels.put(PARAMS_FROM_ENVIRONMENT, String.join(",", moved));
    }
  }

  /** In the entrypoint: puts back the parameters {@link #externalizeParams} moved into this process's environment. */
  public static void internalizeParams(StepSpec spec, Function<String, String> env) {
    String listed = spec.labels.remove(PARAMS_FROM_ENVIRONMENT);
    if (listed == null || listed.isBlank()) {
      return;
    }
    for (String name : listed.split(",")) {
      Object variable = spec.params.get(name);
      String value = variable == null ? null : env.apply(variable.toString());
      if (value == null) {
        throw new IllegalArgumentException("params." + name + ": the variable " + variable
            + " that carries this secret parameter is not set in the driver's environment");
      }
      spec.params.put(name, value);
    }
  }

  /** Spec label: the parameters whose values travel in the environment (comma-separated names). */
  public static final String PARAMS_FROM_ENVIRONMENT = "sparkstep.paramsFromEnvironment";

  private static boolean isSecret(String key, String value, Set<String> registered) {
    return Redactor.isSecretKey(key) || registered.stream().anyMatch(value::contains);
  }

  /**
   * Puts {@code value} into a new variable of {@code childEnv}; returns the {@code ${VAR}} reference that a conf
   * entry holds instead of it (the entrypoint resolves Spark conf references).
   */
  public static String reference(String value, Map<String, String> childEnv) {
    return "${" + carry(value, childEnv) + "}";
  }

  /** Puts {@code value} into a new variable of {@code childEnv}; returns the variable's name. */
  private static String carry(String value, Map<String, String> childEnv) {
    int n = childEnv.size();
    while (childEnv.containsKey(ENV_PREFIX + n)) {
      n++;
    }
    String variable = ENV_PREFIX + n;
    childEnv.put(variable, value);
    return variable;
  }
}
