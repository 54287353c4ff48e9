package io.sparkstep.spi.accel;

import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a spec's {@code accelerator} setting into an {@link AcceleratorPlan}: the accelerator's jar (resolved on this
 * machine, or at a path inside an image) and its Spark conf profile. Every flavor applies the plan the same way:
 * the jars through {@code spark.jars}/{@code --jars}, the conf as Spark conf, the spec's own conf on top.
 *
 * <pre>
 *   local, spark-submit:  AcceleratorPlan plan = Accelerators.plan(spec);            // downloads once into ~/.m2
 *   images (kubernetes):  AcceleratorPlan plan = Accelerators.planForImage(spec, Accelerators.IMAGE_JAR_DIR);
 * </pre>
 */
public final class Accelerators {
  /** Operator setting that gives the operator's runs an accelerator when the run names none. */
  public static final String OPERATOR_SETTING = "accelerator";
  /** The spec's field. */
  public static final String ACCELERATOR_FIELD = "accelerator";
  /** Conf a launcher sets when it applied the plan; the entrypoint then does not resolve the jars again. */
  public static final String APPLIED_CONF = "spark.sparkstep.accelerator";
  /** Where Sparkstep images keep accelerator jars (also what {@link AcceleratorJarResolver} looks at). */
  public static final String IMAGE_JAR_DIR = AcceleratorJarResolver.IMAGE_DIR;

  private Accelerators() {
  }

  /** The spec's accelerator as written (the spec is a JSON document), {@code none} when it names none. */
  public static String nameOf(StepSpec spec) {
    return spec.accelerator == null ? Accelerator.NONE.id() : spec.accelerator;
  }

  /**
   * The one place a spec's accelerator name becomes the {@link Accelerator}; everything after works with the enum.
   *
   * @throws InvalidSpecException for a name that is none of them
   */
  public static Accelerator of(StepSpec spec) {
    Accelerator accelerator = Accelerator.byId(nameOf(spec));
    if (accelerator == null) {
      throw new InvalidSpecException(List.of(unknown(ACCELERATOR_FIELD, spec.accelerator)));
    }
    return accelerator;
  }

  /** The problem of a name that is no accelerator, in a spec's field or an operator's setting. */
  public static ValidationProblem unknown(String field, String name) {
    return ValidationProblem.of(field, "unknown accelerator '" + name + "'", "use " + Accelerator.choices());
  }

  /** Gives the spec the operator's {@value #OPERATOR_SETTING} setting when the run itself names no accelerator. */
  public static void applyOperatorDefault(StepSpec spec, OperatorConfig operator) {
    String fallback = operator.raw().get(OPERATOR_SETTING);
    if (spec.accelerator == null && fallback != null && !fallback.isBlank()) {
      spec.accelerator = fallback.trim();
    }
  }

  /**
   * Problems that make the accelerator impossible for this spec wherever it runs, found without downloading
   * anything: an unknown name, RAPIDS without GPUs (outside explain), Comet without off-heap memory.
   */
  public static List<ValidationProblem> check(StepSpec spec) {
    return check(spec, false);
  }

  /** {@link #check(StepSpec)} for a run that really runs or ({@code explain}) only explains its plans on the CPU. */
  public static List<ValidationProblem> check(StepSpec spec, boolean explain) {
    List<ValidationProblem> problems = new ArrayList<>();
    Accelerator accelerator = Accelerator.byId(nameOf(spec));
    if (accelerator == null) {
      problems.add(unknown(ACCELERATOR_FIELD, spec.accelerator));
      return problems;
    }
    if (accelerator == Accelerator.RAPIDS && !explain && (spec.resources == null || spec.resources.gpus <= 0)) {
      problems.add(ValidationProblem.of("accelerator", "rapids runs Spark SQL on GPUs but the step asks for none "
              + "(resources.gpus is 0)",
          "request GPUs (--resources gpus=1) on a spark-submit or kubernetes operator, or see what would run on a GPU "
              + "first, on this machine: sparkstep explain --accelerator rapids --step ..."));
    }
    if (accelerator == Accelerator.COMET) {
      Map<String, String> conf = effectiveConf(spec, accelerator);
      String enabled = conf.getOrDefault("spark.memory.offHeap.enabled", "false");
      String size = conf.getOrDefault("spark.memory.offHeap.size", "0");
      long sizeMiB;
      try {
        sizeMiB = MemorySize.memoryMiB(size);
      } catch (RuntimeException e) {
        sizeMiB = -1;
      }
      if (!"true".equalsIgnoreCase(enabled.trim())) {
        problems.add(ValidationProblem.of("sparkConf.spark.memory.offHeap.enabled", "comet needs off-heap memory "
                + "but it is '" + enabled + "'",
            "drop the override (comet.conf turns it on with 2g), or use --accelerator none"));
      } else if (sizeMiB <= 0) {
        problems.add(ValidationProblem.of("sparkConf.spark.memory.offHeap.size", "comet needs off-heap memory but "
                + "the size is '" + size + "'", "set it to a size such as 2g"));
      }
    }
    return problems;
  }

  /**
   * Problems running the accelerator on a machine with this OS and architecture: the Comet jar carries native code
   * for Linux on amd64 and aarch64 only.
   */
  public static List<ValidationProblem> checkPlatform(StepSpec spec, String osName, String osArch) {
    List<ValidationProblem> problems = new ArrayList<>();
    if (Accelerator.byId(nameOf(spec)) != Accelerator.COMET) {
      return problems;
    }
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    boolean supportedArch = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")
        || arch.equals("arm64");
    if (!os.startsWith("linux") || !supportedArch) {
      problems.add(ValidationProblem.of("accelerator", "comet has no native library for " + osName + "/" + osArch
              + " (its jar carries linux/amd64 and linux/aarch64)",
          "run on Linux (a spark-submit or kubernetes operator, or a Linux container), or use --accelerator none"));
    }
    return problems;
  }

  /** Platform problems for this JVM's machine. */
  public static List<ValidationProblem> checkThisMachine(StepSpec spec) {
    return checkPlatform(spec, System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** The plan with the jar resolved on this machine (downloaded into the local Maven repository the first time). */
  public static AcceleratorPlan plan(StepSpec spec) {
    return plan(spec, AcceleratorJarResolver.fromEnvironment());
  }

  /** {@link #plan(StepSpec)} for a run that only explains its plans: the profile's explain-only settings too. */
  public static AcceleratorPlan plan(StepSpec spec, boolean explain) {
    return plan(spec, explain, AcceleratorJarResolver.fromEnvironment());
  }

  public static AcceleratorPlan plan(StepSpec spec, AcceleratorJarResolver resolver) {
    return plan(spec, false, resolver);
  }

  private static AcceleratorPlan plan(StepSpec spec, boolean explain, AcceleratorJarResolver resolver) {
    Accelerator accelerator = checked(spec, explain);
    if (accelerator == Accelerator.NONE) {
      return AcceleratorPlan.none();
    }
    Path jar = resolver.resolve(accelerator.artifact());
    return build(accelerator, explain, jar.toAbsolutePath().toString());
  }

  /**
   * The plan for a step that runs from an image which carries the jar in {@code jarDir} (e.g.
   * {@value #IMAGE_JAR_DIR}): the jar is named with Spark's {@code local:} scheme, nothing is downloaded here.
   */
  public static AcceleratorPlan planForImage(StepSpec spec, String jarDir) {
    Accelerator accelerator = checked(spec, false);
    if (accelerator == Accelerator.NONE) {
      return AcceleratorPlan.none();
    }
    String dir = jarDir.endsWith("/") ? jarDir : jarDir + "/";
    return build(accelerator, false, "local://" + dir + accelerator.artifact().fileName());
  }

  private static Accelerator checked(StepSpec spec, boolean explain) {
    List<ValidationProblem> problems = check(spec, explain);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return of(spec);
  }

  private static AcceleratorPlan build(Accelerator accelerator, boolean explain, String jar) {
    Map<String, String> conf = profileConf(accelerator, explain);
    String plainPath = jar.startsWith("local://") ? jar.substring("local://".length()) : jar;
    if (accelerator == Accelerator.COMET) {
      // Comet's shuffle manager and memory hooks are loaded by the JVM's own class loader on drivers and executors
      // launched by Spark: Comet documents the jar on both extra class paths as well as in spark.jars.
      conf.put("spark.driver.extraClassPath", plainPath);
      conf.put("spark.executor.extraClassPath", plainPath);
    }
    conf.put(APPLIED_CONF, accelerator.id());
    return new AcceleratorPlan(accelerator, List.of(jar), conf);
  }

  /** The profile's conf, with the explain-only settings when planning for {@code explain}. */
  static Map<String, String> profileConf(Accelerator accelerator, boolean explain) {
    Map<String, String> conf = new LinkedHashMap<>(SparkConfProfile.load(accelerator.profile()));
    if (explain) {
      // One plan per query: with adaptive execution each query stage is re-planned and explained again.
      conf.put("spark.sql.adaptive.enabled", "false");
      if (accelerator == Accelerator.RAPIDS) {
        conf.put("spark.rapids.sql.mode", "explainOnly");
        conf.put("spark.rapids.sql.explain", "ALL");
      }
    }
    return conf;
  }

  /** What the Spark conf will be for the accelerator's keys: the profile, then the spec's own conf on top. */
  static Map<String, String> effectiveConf(StepSpec spec, Accelerator accelerator) {
    Map<String, String> conf = new LinkedHashMap<>(SparkConfProfile.load(accelerator.profile()));
    conf.putAll(spec.sparkConf);
    return conf;
  }
}
