package io.sparkstep.cache;

import java.util.List;

/**
 * The Spark settings that change what a step computes, and so are part of the cache key when the spec sets them
 * (docs/cache.md lists them). Settings of speed and placement (memory, cores, shuffle partitions, adaptive execution)
 * are left out: they change how fast, not what.
 */
final class ResultSettings {
  static final List<String> KEYS = List.of(
      "spark.sql.ansi.enabled",
      "spark.sql.session.timeZone",
      "spark.sql.caseSensitive",
      "spark.sql.storeAssignmentPolicy",
      "spark.sql.legacy.timeParserPolicy",
      "spark.sql.parquet.int96RebaseModeInRead",
      "spark.sql.parquet.datetimeRebaseModeInRead",
      "spark.sql.parquet.outputTimestampType",
      "spark.sql.decimalOperations.allowPrecisionLoss",
      "spark.sql.mapKeyDedupPolicy",
      "spark.sql.csv.parser.columnPruning.enabled",
      "spark.sql.files.ignoreCorruptFiles",
      "spark.sql.files.ignoreMissingFiles",
      "spark.sql.sources.partitionOverwriteMode",
      "spark.rapids.sql.enabled",
      "spark.rapids.sql.incompatibleOps.enabled",
      "spark.rapids.sql.variableFloatAgg.enabled",
      "spark.comet.enabled",
      "spark.comet.exec.enabled");

  private ResultSettings() {
  }
}
