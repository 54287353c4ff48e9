package io.sparkstep.runtime;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.types.StructType;

/**
 * Creates a missing Iceberg table at a location, empty, with the output's schema and partition columns. Spark's
 * writer creates a new table by catalog name, where a location would lose its meaning, so Sparkstep creates it here
 * and the data goes in by an append: the table's first snapshot. Only Iceberg outputs load this class.
 */
final class IcebergTableCreation {
  private IcebergTableCreation() {
  }

  /** True when this call created the table; false when it was there (made by an earlier or concurrent writer). */
  static boolean createIfAbsent(Configuration hadoopConf, StructType sparkSchema, List<String> partitionBy,
                                String location) {
    HadoopTables tables = new HadoopTables(hadoopConf);
    if (tables.exists(location)) {
      return false;
    }
    Schema schema = SparkSchemaUtil.convert(sparkSchema);
    PartitionSpec.Builder partitioning = PartitionSpec.builderFor(schema);
    partitionBy.forEach(partitioning::identity);
    try {
      tables.create(schema, partitioning.build(), location);
      return true;
    } catch (AlreadyExistsException concurrentlyCreated) {
      return false;
    }
  }

  /** Removes a table this run created when its first write failed, so the location is as it was. */
  static void drop(Configuration hadoopConf, String location) {
    new HadoopTables(hadoopConf).dropTable(location, true);
  }
}
