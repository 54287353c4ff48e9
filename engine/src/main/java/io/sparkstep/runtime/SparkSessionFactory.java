package io.sparkstep.runtime;

import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark conf of a step run: the spec's Spark conf (with ${ENV} resolved here, where the step runs), the
 * accelerator's conf, the table formats' session conf where the spec uses them, and a master only when the environment gave none (spark-submit and Kubernetes set one).
 */
public final class SparkSessionFactory {
  private static final String EXTENSIONS = "spark.sql.extensions";

  private SparkSessionFactory() {
  }

  /** Master for a run that is not under spark-submit: local[N] from resources.cpu, else local[*]. */
  public static String defaultLocalMaster(StepSpec spec) {
    return spec.resources != null && spec.resources.cpu > 0 ? "local[" + spec.resources.cpu + "]" : "local[*]";
  }

  /** Conf entries for the run, without the master. */
  public static Map<String, String> runConf(StepSpec spec, AcceleratorPlan accelerator) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", "sparkstep:" + shortName(spec.step) + ":" + spec.runId);
    // Spark's own logs, event log and UI hide every conf entry whose key looks like a secret's, by our words too.
    conf.put("spark.redaction.regex", Redactor.sparkRedactionRegex());
    conf.putAll(accelerator.sparkConf());
    if (!accelerator.jars().isEmpty()) {
      conf.merge("spark.jars", String.join(",", accelerator.jars()), (a, b) -> a + "," + b);
    }
    spec.sparkConf.forEach((k, v) -> conf.put(k, EnvInterpolation.resolve("sparkConf." + k, v)));
    // a table format's extension joins the accelerator's and the spec's; a catalog the spec names stays
    TableFormat.sessionConf(spec).forEach((k, v) -> conf.merge(k, v,
        (given, table) -> !k.equals(EXTENSIONS) || List.of(given.split(",")).contains(table) ? given
            : given + "," + table));
    if (!accelerator.jars().isEmpty() && spec.sparkConf.containsKey("spark.jars")) {
      // the spec's spark.jars (the user's step jars among them) adds to the accelerator's, never replaces them
      conf.put("spark.jars", String.join(",", accelerator.jars()) + "," + conf.get("spark.jars"));
    }
    return conf;
  }

  /** A session for the entrypoint: keeps a master the launcher set, else uses {@code fallbackMaster}. */
  public static SparkSession create(StepSpec spec, AcceleratorPlan accelerator, String fallbackMaster) {
    SparkConf launcherConf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder();
    if (!launcherConf.contains("spark.master")) {
      builder.master(fallbackMaster);
    }
    Map<String, String> runConf = runConf(spec, accelerator);
    S3ADefaults.forRun(spec, SparkSessionFactory.class.getClassLoader()).forEach((k, v) -> {
      if (!launcherConf.contains(k) && !runConf.containsKey(k)) {
        builder.config(k, v);
      }
    });
    runConf.forEach((k, v) -> {
      if (!(k.equals("spark.app.name") && launcherConf.contains("spark.app.name"))) {
        builder.config(k, v);
      }
    });
    return builder.getOrCreate();
  }

  static String shortName(String step) {
    int dot = step == null ? -1 : step.lastIndexOf('.');
    return dot < 0 ? String.valueOf(step) : step.substring(dot + 1);
  }
}
