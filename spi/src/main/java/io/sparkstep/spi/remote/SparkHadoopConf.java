package io.sparkstep.spi.remote;

import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;

/**
 * The one builder of a Hadoop {@link Configuration} from Spark conf: each {@code spark.hadoop.K=V} becomes
 * {@code K=V}, as Spark itself configures its file systems. For code that touches storage without a running
 * SparkContext: a launcher staging a spec with the operator's conf, the entrypoint writing its first record before
 * Spark starts.
 */
public final class SparkHadoopConf {
  /** What Spark strips from a conf key to get the Hadoop key. */
  public static final String PREFIX = "spark.hadoop.";

  private SparkHadoopConf() {
  }

  /** From a Spark conf map (an operator's {@code conf.*}, a spec's {@code sparkConf}); null values are skipped. */
  public static Configuration of(Map<String, String> sparkConf) {
    Configuration conf = new Configuration();
    sparkConf.forEach((key, value) -> set(conf, key, value));
    return conf;
  }

  /**
   * From system properties: what {@code new SparkConf()} would read in this JVM (spark-submit passes its conf so),
   * without loading Spark.
   */
  public static Configuration of(Properties properties) {
    Configuration conf = new Configuration();
    for (String key : properties.stringPropertyNames()) {
      set(conf, key, properties.getProperty(key));
    }
    return conf;
  }

  private static void set(Configuration conf, String key, String value) {
    if (key.startsWith(PREFIX) && value != null) {
      conf.set(key.substring(PREFIX.length()), value);
    }
  }
}
