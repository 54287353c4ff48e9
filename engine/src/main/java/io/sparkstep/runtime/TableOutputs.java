package io.sparkstep.runtime;

import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.spec.ArtifactSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's table outputs (Delta, Iceberg). The step hands each one over while it runs; each is written by the table's
 * own transaction only after the step has succeeded, with the other outputs' commit, so a step that fails after
 * handing an output over leaves its table as it was, as it leaves a file output's final URI.
 */
final class TableOutputs {
  private static final Logger LOG = LoggerFactory.getLogger(TableOutputs.class);
  private final Map<String, ArtifactSpec> outputs;
  private final Map<String, Dataset<Row>> pending = new LinkedHashMap<>();

  TableOutputs(Map<String, ArtifactSpec> outputs) {
    this.outputs = outputs;
  }

  /** The step's data for a table output, written at commit. */
  void hold(String name, Dataset<Row> data) {
    if (pending.containsKey(name)) {
      throw new IllegalStateException("output '" + name + "' was already written in this run");
    }
    pending.put(name, data);
  }

  boolean isHeld(String name) {
    return pending.containsKey(name);
  }

  /**
   * Writes every held output, each in its table's transaction, its Spark jobs tagged as the output's so its rows
   * are counted; returns the version or snapshot each one made. A table committed before a later one failed keeps
   * its new version: two tables share no transaction.
   */
  Map<String, DataSnapshot> commit(SparkSession spark, String runId) {
    Map<String, DataSnapshot> snapshots = new LinkedHashMap<>();
    SparkContext sc = spark.sparkContext();
    for (Map.Entry<String, Dataset<Row>> entry : pending.entrySet()) {
      ArtifactSpec artifact = outputs.get(entry.getKey());
      String tag = OutputRowCounter.tag(runId, entry.getKey());
      sc.addJobTag(tag);
      DataSnapshot snapshot;
      try {
        LOG.info("committing output {} to {} table {}", entry.getKey(), artifact.formatOrDefault().sparkName(),
            artifact.uri);
        snapshot = TableFormat.of(artifact.formatOrDefault()).write(spark, entry.getValue(), artifact, runId);
      } finally {
        sc.removeJobTag(tag);
      }
      LOG.info("output {} committed as {}", entry.getKey(), snapshot);
      snapshots.put(entry.getKey(), snapshot);
    }
    pending.clear();
    return snapshots;
  }

  /** Forgets what the step handed over: nothing of it was written. */
  void abort() {
    pending.clear();
  }
}
