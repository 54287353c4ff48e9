package io.sparkstep.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_millis;

import io.sparkstep.spec.TableFormats;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.WriteMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Iceberg tables by location (Iceberg's Hadoop tables: the metadata file of each version is written first and made
 * current by one atomic rename). A missing table is created empty first ({@link IcebergTableCreation}). A write is Iceberg's own commit: data files not yet in a committed snapshot are never
 * read, so a write that fails or is killed before its commit leaves the table at its previous snapshot. The run id
 * goes into the snapshot's summary, so the snapshot this run made is found even when another writer committed after.
 */
final class IcebergTableFormat implements TableFormat {
  /**
   * The catalog Iceberg's data source opens a table location through: Iceberg's default for it is a Hive catalog,
   * whose metastore classes Spark alone does not have. Locations are loaded as Hadoop tables by any catalog; an
   * in-memory one needs neither a metastore nor a warehouse.
   */
  static final Map<String, String> SESSION_CONF = Map.of(
      "spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog",
      "spark.sql.catalog.default_iceberg.catalog-impl", "org.apache.iceberg.inmemory.InMemoryCatalog");
  private static final String RUN_PROPERTY = "sparkstep.run";

  @Override
  public PinnedRead read(SparkSession spark, ArtifactSpec input) {
    useRunSession(spark);
    Map<String, String> options = new LinkedHashMap<>(input.options);
    // Iceberg for Spark 4.1 reads a snapshot by Spark's versionAsOf only; snapshot-id, its long-documented name, is
    // taken here and passed on as versionAsOf
    String givenId = options.remove(TableFormats.ICEBERG_SNAPSHOT_ID);
    givenId = givenId != null ? givenId : options.remove(TableFormats.VERSION_AS_OF);
    long snapshotId;
    if (givenId != null) {
      snapshotId = Long.parseLong(givenId.trim());
    } else {
      String asOf = options.remove(TableFormats.ICEBERG_AS_OF_TIMESTAMP);
      Dataset<Row> current = metadata(spark, input.uri, "history").where(col("is_current_ancestor"));
      if (asOf != null) {
        current = current.where(col("made_current_at").leq(timestamp_millis(lit(Long.parseLong(asOf.trim())))));
      }
      List<Row> latest = current.orderBy(col("made_current_at").desc()).select("snapshot_id").limit(1)
          .collectAsList();
      if (latest.isEmpty()) {
        throw new IllegalArgumentException("Iceberg table " + input.uri + " has no snapshot"
            + (asOf == null ? "" : " current at " + asOf + " (" + TableFormats.ICEBERG_AS_OF_TIMESTAMP + ")"));
      }
      snapshotId = latest.get(0).getLong(0);
    }
    // the resolved snapshot pins the read: what is read is what is recorded
    options.remove(TableFormats.ICEBERG_AS_OF_TIMESTAMP);
    options.put(TableFormats.VERSION_AS_OF, Long.toString(snapshotId));
    Dataset<Row> data = spark.read().format("iceberg").options(options).load(input.uri);
    return new PinnedRead(data, new DataSnapshot(DataSnapshot.ICEBERG_SNAPSHOT, Long.toString(snapshotId)));
  }

  @Override
  public DataSnapshot write(SparkSession spark, Dataset<Row> data, ArtifactSpec output, String runId) {
    useRunSession(spark);
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    boolean created = IcebergTableCreation.createIfAbsent(hadoopConf, data.schema(), output.partitionBy, output.uri);
    if (!created && output.modeOrDefault() != WriteMode.OVERWRITE) {
      throw new IllegalStateException("output " + output.uri + " appeared while the step ran and mode is not overwrite");
    }
    // the table's own partitioning applies (set when it was created); overwrite replaces every row in one snapshot
    DataFrameWriter<Row> writer = data.write().format("iceberg").options(output.options)
        .option("snapshot-property." + RUN_PROPERTY, runId)
        .mode(created ? SaveMode.Append : SaveMode.Overwrite);
    try {
      writer.save(output.uri);
    } catch (RuntimeException e) {
      if (created) {
        IcebergTableCreation.drop(hadoopConf, output.uri);
      }
      throw e;
    }
    List<Row> mine = metadata(spark, output.uri, "snapshots")
        .where(col("summary").getItem(RUN_PROPERTY).equalTo(lit(runId)))
        .orderBy(col("committed_at").desc()).select("snapshot_id").limit(1).collectAsList();
    if (mine.isEmpty()) {
      throw new IllegalStateException("Iceberg table " + output.uri + " has no snapshot of run " + runId);
    }
    return new DataSnapshot(DataSnapshot.ICEBERG_SNAPSHOT, Long.toString(mine.get(0).getLong(0)));
  }

  /**
   * Iceberg's data source reads its catalog conf from the thread's active session; a local run's session is a
   * {@code newSession()} of the shared context, which is not the active one unless made so.
   */
  private static void useRunSession(SparkSession spark) {
    SparkSession.setActiveSession(spark);
  }

  /** One of the table's metadata tables (history, snapshots), by the table's location. */
  private static Dataset<Row> metadata(SparkSession spark, String uri, String table) {
    return spark.read().format("iceberg").load(uri + "#" + table);
  }
}
