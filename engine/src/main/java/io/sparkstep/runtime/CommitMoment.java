package io.sparkstep.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/**
 * The named moments of a pointer commit, and the test hook that holds the driver at one of them so a fault test can
 * kill it there. Off unless the run's Hadoop conf names a moment ({@code --conf
 * spark.hadoop.sparkstep.test.commit.holdAt=pointer-written}) and a directory
 * ({@code spark.hadoop.sparkstep.test.commit.holdDir=/tmp/x}): at that moment the driver creates
 * {@code DIR/MOMENT.reached} and waits until {@code DIR/MOMENT.release} exists.
 */
enum CommitMoment {
  /** Every output's data is complete under its run location; no pointer changed. */
  DATA_WRITTEN("data-written"),
  /** The first output's pointer names this run; its commit record does not exist yet. */
  POINTER_WRITTEN("pointer-written"),
  /** The commit record exists: every output is committed; the replaced data is still there. */
  COMMIT_RECORD_WRITTEN("commit-record-written"),
  /** Part of the replaced data is deleted. */
  OLD_DATA_DELETING("old-data-deleting");

  static final String HOLD_AT = "sparkstep.test.commit.holdAt";
  static final String HOLD_DIR = "sparkstep.test.commit.holdDir";

  final String label;

  CommitMoment(String label) {
    this.label = label;
  }

  /** Holds here when the conf names this moment; returns at once otherwise. */
  void reached(Configuration hadoopConf) {
    if (!label.equals(hadoopConf.get(HOLD_AT)) || hadoopConf.get(HOLD_DIR) == null) {
      return;
    }
    Path dir = Paths.get(hadoopConf.get(HOLD_DIR));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(label + ".reached"), Long.toString(ProcessHandle.current().pid()));
      // polling a file the test creates: the condition itself, not a guess at timing; a test that ended without
      // releasing or killing the driver removed its directory, and the run goes on
      while (!Files.exists(dir.resolve(label + ".release")) && Files.isDirectory(dir)) {
        Thread.sleep(50);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
