package io.sparkstep.runtime;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Writes the record into the run directory on any Hadoop file system; failures are reported, never fatal. */
final class RunDirRecordWriter {
  private final String runDir;

  RunDirRecordWriter(String runDir) {
    this.runDir = runDir != null ? runDir : System.getenv(StepEntrypoint.RUN_DIR_ENV);
  }

  synchronized void write(RunRecord record, SparkSession spark) {
    if (runDir == null) {
      return;
    }
    try {
      Configuration conf = spark != null ? spark.sparkContext().hadoopConfiguration()
          : StepEntrypoint.hadoopConfFromSparkConf();
      Path dir = new Path(runDir);
      FileSystem fs = dir.getFileSystem(conf);
      fs.mkdirs(dir);
      Path tmp = new Path(dir, ".record.json." + UUID.randomUUID() + ".tmp");
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(RunRecordJson.write(record).getBytes(StandardCharsets.UTF_8));
      }
      Path target = new Path(dir, "record.json");
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename failed");
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("sparkstep: could not write the run record to " + runDir + ": " + e);
    }
  }
}

