package io.sparkstep.spec;

import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Whether this process has a Hadoop file system for a URI scheme, asked before anything starts: without it Spark would
 * start and the run end FAILED with a ClassNotFoundException. Only classes are looked up; no store is contacted, so
 * no credentials are needed here.
 */
public final class FileSystemConnectors {
  /** What serves each object-store scheme, as a user adds it where the distribution's lib/ does not reach. */
  private static final Map<String, String> CONNECTOR = Map.of(
      "s3a", "hadoop-aws-3.4.2.jar with the AWS SDK v2 modules s3, s3-transfer-manager and sts",
      "gs", "gcs-connector-hadoop3-2.2.28-shaded.jar",
      "abfs", "hadoop-azure-3.4.2.jar",
      "abfss", "hadoop-azure-3.4.2.jar",
      "wasb", "hadoop-azure-3.4.2.jar with azure-storage-7.0.1.jar",
      "wasbs", "hadoop-azure-3.4.2.jar with azure-storage-7.0.1.jar");

  private FileSystemConnectors() {
  }

  /**
   * The problem with {@code field}'s scheme in this process, or null when a file system serves it.
   *
   * @param sparkConf the spec's Spark conf: a {@code spark.hadoop.fs.SCHEME.impl} there names the class to look for
   * @param loader where the step's classes load from (user jars may bring a connector)
   */
  public static ValidationProblem problem(String field, String scheme, Map<String, String> sparkConf,
                                          ClassLoader loader) {
    Configuration conf = new Configuration();
    conf.setClassLoader(loader);
    String implKey = "fs." + scheme + ".impl";
    String impl = sparkConf.get("spark.hadoop." + implKey);
    if (impl != null) {
      conf.set(implKey, impl);
    }
    try {
      FileSystem.getFileSystemClass(scheme, conf);
      return null;
    } catch (IOException | RuntimeException | LinkageError e) {
      String connector = CONNECTOR.getOrDefault(scheme, "a Hadoop file system for " + scheme + ":");
      String named = impl != null ? impl : conf.get(implKey, "");
      // a connector without its own dependencies (hadoop-aws without the AWS SDK) fails on a class it needs
      String why = e instanceof NoClassDefFoundError ? named + " needs " + e.getMessage().replace('/', '.')
          : named.isEmpty() ? "" : named + " is not on the class path";
      return ValidationProblem.of(field, "no file system for scheme '" + scheme + "' in this process"
              + (why.isEmpty() ? "" : " (" + why + ")"),
          "run from the distribution (its lib/ ships the s3a, gs and abfs connectors), or add " + connector
              + " to SPARKSTEP_CLASSPATH");
    }
  }
}
