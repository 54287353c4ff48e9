package io.sparkstep.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.sparkstep.spec.TableFormats;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.WriteMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Delta tables by path. A write is Delta's own transaction: its commit file in {@code _delta_log} appears last, so
 * a write that fails or is killed before it leaves the table at its previous version. The run id goes into the
 * commit's {@code userMetadata}, so the version this run made is found in the history even when another writer
 * committed right after it.
 */
final class DeltaTableFormat implements TableFormat {
  /** Delta's SQL extension (DESCRIBE HISTORY, time travel) and catalog, set only for runs that use Delta. */
  static final Map<String, String> SESSION_CONF = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
  private static final String RUN_MARK = "sparkstep-run:";
  /** How far back the history is searched for this run's commit: writers that committed after it in between. */
  private static final int HISTORY_SEARCH = 100;

  @Override
  public PinnedRead read(SparkSession spark, ArtifactSpec input) {
    Map<String, String> options = new LinkedHashMap<>(input.options);
    long version;
    if (options.containsKey(TableFormats.DELTA_VERSION_AS_OF)) {
      version = Long.parseLong(options.get(TableFormats.DELTA_VERSION_AS_OF).trim());
    } else if (options.containsKey(TableFormats.DELTA_TIMESTAMP_AS_OF)) {
      version = versionAt(spark, input.uri, options.remove(TableFormats.DELTA_TIMESTAMP_AS_OF));
    } else {
      version = history(spark, input.uri, 1).select("version").first().getLong(0);
    }
    // the resolved version replaces a timestamp, and pins a read of the current one: what is read is what is recorded
    options.put(TableFormats.DELTA_VERSION_AS_OF, Long.toString(version));
    Dataset<Row> data = spark.read().format("delta").options(options).load(input.uri);
    return new PinnedRead(data, new DataSnapshot(DataSnapshot.DELTA_VERSION, Long.toString(version)));
  }

  @Override
  public DataSnapshot write(SparkSession spark, Dataset<Row> data, ArtifactSpec output, String runId) {
    DataFrameWriter<Row> writer = data.write().format("delta").options(output.options)
        .option("userMetadata", RUN_MARK + runId)
        .mode(output.modeOrDefault() == WriteMode.OVERWRITE ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
    if (!output.partitionBy.isEmpty()) {
      writer = writer.partitionBy(output.partitionBy.toArray(new String[0]));
    }
    writer.save(output.uri);
    List<Row> mine = history(spark, output.uri, HISTORY_SEARCH)
        .where(col("userMetadata").equalTo(lit(RUN_MARK + runId))).select("version").collectAsList();
    if (mine.isEmpty()) {
      throw new IllegalStateException("Delta table " + output.uri + " has no commit of run " + runId
          + " in its last " + HISTORY_SEARCH + " versions");
    }
    return new DataSnapshot(DataSnapshot.DELTA_VERSION, Long.toString(mine.get(0).getLong(0)));
  }

  /** The last version committed at or before {@code timestamp}, as Delta's own timestampAsOf picks it. */
  private static long versionAt(SparkSession spark, String uri, String timestamp) {
    Row row = history(spark, uri, Integer.MAX_VALUE)
        .where(col("timestamp").leq(lit(timestamp).cast("timestamp"))).agg(max("version")).first();
    if (row.isNullAt(0)) {
      throw new IllegalArgumentException("Delta table " + uri + " has no version committed at or before "
          + timestamp + " (" + TableFormats.DELTA_TIMESTAMP_AS_OF + ")");
    }
    return row.getLong(0);
  }

  /** The table's history, newest first: version, timestamp, userMetadata and Delta's other columns. */
  private static Dataset<Row> history(SparkSession spark, String uri, int limit) {
    return spark.sql("DESCRIBE HISTORY delta.`" + uri.replace("`", "``") + "`"
        + (limit == Integer.MAX_VALUE ? "" : " LIMIT " + limit));
  }
}
