package io.sparkstep.runtime;

import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.StepSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A table format (Delta, Iceberg): reads one exact version of a table, and writes an output as the table's own
 * transaction, which either becomes the table's next version or leaves the table as it was.
 */
interface TableFormat {
  /** A read pinned to one version or snapshot, and which one it is. */
  record PinnedRead(Dataset<Row> data, DataSnapshot snapshot) {
  }

  /** Reads the version the input's options name (time travel), else the current one, pinned so it cannot move. */
  PinnedRead read(SparkSession spark, ArtifactSpec input);

  /**
   * Writes {@code data} to the table in one transaction marked with {@code runId}, and returns the version or
   * snapshot that transaction made. A failure before the table's commit leaves the table at its previous version.
   */
  DataSnapshot write(SparkSession spark, Dataset<Row> data, ArtifactSpec output, String runId);

  static TableFormat of(Format format) {
    return switch (format) {
      case DELTA -> new DeltaTableFormat();
      case ICEBERG -> new IcebergTableFormat();
      default -> throw new IllegalArgumentException(format.sparkName() + " is not a table format");
    };
  }

  /**
   * The Spark conf a run needs for the table formats its spec uses, and none for a run that uses none: Delta's
   * session extension is static conf, so each format's conf is set only where a spec reads or writes it.
   */
  static Map<String, String> sessionConf(StepSpec spec) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (uses(spec, Format.DELTA)) {
      conf.putAll(DeltaTableFormat.SESSION_CONF);
    }
    if (uses(spec, Format.ICEBERG)) {
      conf.putAll(IcebergTableFormat.SESSION_CONF);
    }
    return conf;
  }

  private static boolean uses(StepSpec spec, Format format) {
    return Stream.concat(spec.inputs.values().stream(), spec.outputs.values().stream())
        .anyMatch(artifact -> artifact != null && artifact.format != null && isFormat(artifact, format));
  }

  private static boolean isFormat(ArtifactSpec artifact, Format format) {
    try {
      return artifact.formatOrDefault() == format;
    } catch (IllegalArgumentException e) {
      return false; // validation names a bad format; the conf does not
    }
  }
}
