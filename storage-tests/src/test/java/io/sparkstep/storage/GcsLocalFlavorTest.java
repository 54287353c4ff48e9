package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gs:// through the gcs-connector the distribution ships, against {@link GcsStandIn} (the JSON API paths the
 * connector uses, in-process on loopback): the file system operations Spark's commit relies on, then the fare
 * pipeline's four steps reading and writing the bucket on the local flavor.
 */
@Tag("slow")
class GcsLocalFlavorTest {
  private static final String LAKE = "gs://" + GcsStandIn.BUCKET + "/lake/";

  @TempDir
  static Path work;
  static GcsStandIn gcs;

  @BeforeAll
  static void startGcs() throws Exception {
    gcs = GcsStandIn.start();
  }

  @AfterAll
  static void stopGcs() {
    if (gcs != null) {
      // what the connector asked of the JSON API in these runs, for whoever extends the stand-in
      System.out.println("GCS stand-in served: " + gcs.served());
      gcs.close();
    }
  }

  /** Write, read back, list, rename (Spark's commit) and delete, through Hadoop's FileSystem API in this JVM. */
  @Test
  void theConnectorWritesListsRenamesAndDeletesThroughTheStandIn() throws Exception {
    FileSystem fs = FileSystem.get(URI.create(LAKE), gcsConf());
    StoreProbe.writeListRenameDelete(fs, LAKE);
    assertEquals(java.util.Set.of(), gcs.unserved(), "requests the stand-in did not serve");
  }

  @Test
  void theFarePipelineReadsAndWritesGcs() throws Exception {
    FarePipelineOnStore pipeline = new FarePipelineOnStore(work.resolve("home"), LAKE, gcs.sparkConf(), Map.of());
    pipeline.runFourSteps();

    FileSystem fs = FileSystem.get(URI.create(LAKE), gcsConf());
    pipeline.assertAllOutputsOn(fs);
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(FarePipelineOnStore.committed(fs, LAKE + "predictions"), "_SUCCESS")), "the job committed");
    assertEquals(java.util.Set.of(), gcs.unserved(), "requests the stand-in did not serve");
  }

  /** How this test reads the bucket: the same settings a run gets. */
  private static Configuration gcsConf() {
    Configuration conf = new Configuration();
    gcs.sparkConf().forEach((key, value) -> conf.set(key.substring("spark.hadoop.".length()), value));
    conf.setBoolean("fs.gs.impl.disable.cache", true);
    return conf;
  }
}
