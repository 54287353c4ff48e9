package io.sparkstep.spec;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the table formats (Delta, Iceberg) need before anything starts: their jars in this process, and the time
 * travel options only where they mean something. Only classes are looked up; no table is read.
 */
public final class TableFormats {
  /** Delta input option: read this version of the table. */
  public static final String DELTA_VERSION_AS_OF = "versionAsOf";
  /** Delta input option: read the last version committed at or before this timestamp. */
  public static final String DELTA_TIMESTAMP_AS_OF = "timestampAsOf";
  /** Iceberg input option: read this snapshot of the table. */
  public static final String ICEBERG_SNAPSHOT_ID = "snapshot-id";
  /** Iceberg input option: read the snapshot that was current at this time (milliseconds since the epoch). */
  public static final String ICEBERG_AS_OF_TIMESTAMP = "as-of-timestamp";

  /** Spark's own time travel option, which Iceberg takes as a snapshot id. */
  public static final String VERSION_AS_OF = DELTA_VERSION_AS_OF;

  private static final Map<Format, List<String>> TIME_TRAVEL = Map.of(
      Format.DELTA, List.of(DELTA_VERSION_AS_OF, DELTA_TIMESTAMP_AS_OF),
      Format.ICEBERG, List.of(ICEBERG_SNAPSHOT_ID, ICEBERG_AS_OF_TIMESTAMP, VERSION_AS_OF));
  private static final Set<String> TIME_TRAVEL_KEYS = TIME_TRAVEL.values().stream().flatMap(List::stream)
      .collect(Collectors.toCollection(TreeSet::new));
  /** A class each format's jar brings: present means Spark can load the format. */
  private static final Map<Format, String> PROBE = Map.of(
      Format.DELTA, "io.delta.sql.DeltaSparkSessionExtension",
      Format.ICEBERG, "org.apache.iceberg.spark.source.IcebergSource");
  /** What a user adds where the distribution's lib/ does not reach. */
  private static final Map<Format, String> JARS = Map.of(
      Format.DELTA, "delta-spark_4.1_2.13-4.1.0.jar with delta-storage-4.1.0.jar",
      Format.ICEBERG, "iceberg-spark-runtime-4.1_2.13-1.11.0.jar");

  private TableFormats() {
  }

  /** Whether {@code loader} has the format's classes (always true for the file formats). */
  public static boolean available(Format format, ClassLoader loader) {
    if (!format.isTable()) {
      return true;
    }
    try {
      Class.forName(PROBE.get(format), false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Every problem of one input or output's table settings; none for a file format without time travel options. */
  public static void check(String field, ArtifactSpec artifact, Format format, boolean output, ClassLoader loader,
                           List<ValidationProblem> problems) {
    if (!available(format, loader)) {
      problems.add(ValidationProblem.of(field + ".format", format.sparkName() + " tables need " + JARS.get(format)
              + ", which is not on the class path",
          "run from the distribution (its lib/ ships it), or add " + JARS.get(format) + " to SPARKSTEP_CLASSPATH"));
    }
    for (String key : TIME_TRAVEL_KEYS) {
      if (!artifact.options.containsKey(key)) {
        continue;
      }
      if (output) {
        problems.add(ValidationProblem.of(field + ".options." + key, "time travel applies to inputs only",
            "remove it; an output is always written as the table's next version"));
      } else if (!TIME_TRAVEL.getOrDefault(format, List.of()).contains(key)) {
        String owners = TIME_TRAVEL.entrySet().stream().filter(entry -> entry.getValue().contains(key))
            .map(entry -> entry.getKey().sparkName()).sorted().collect(Collectors.joining(" or "));
        problems.add(ValidationProblem.of(field + ".options." + key, "is an option of " + owners
            + " inputs, and this input's format is " + format.sparkName(), "set the table's format (--input NAME=URI@"
            + owners.split(" ")[0] + "), or remove the option"));
      }
    }
    if (!output && format == Format.DELTA && artifact.options.containsKey(DELTA_VERSION_AS_OF)
        && artifact.options.containsKey(DELTA_TIMESTAMP_AS_OF)) {
      problems.add(ValidationProblem.of(field + ".options", "gives both " + DELTA_VERSION_AS_OF + " and "
          + DELTA_TIMESTAMP_AS_OF, "keep one of them"));
    }
    if (!output && format == Format.DELTA && artifact.options.containsKey(DELTA_VERSION_AS_OF)) {
      wholeNumber(field, artifact, DELTA_VERSION_AS_OF, problems);
    }
    if (!output && format == Format.ICEBERG) {
      wholeNumber(field, artifact, VERSION_AS_OF, problems);
      wholeNumber(field, artifact, ICEBERG_SNAPSHOT_ID, problems);
      wholeNumber(field, artifact, ICEBERG_AS_OF_TIMESTAMP, problems);
    }
  }

  private static void wholeNumber(String field, ArtifactSpec artifact, String key, List<ValidationProblem> problems) {
    String value = artifact.options.get(key);
    if (value == null) {
      return;
    }
    try {
      Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      problems.add(ValidationProblem.of(field + ".options." + key, "'" + value + "' is not a whole number",
          "give the number as the table's history shows it"));
    }
  }
}
