package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gs:// through the gcs-connector the distribution ships, against {@link GcsStandIn} (the JSON API paths the
 * connector uses, in-process on loopback): the file system operations Spark's commit relies on, then the fare
 * pipeline's four steps reading and writing the bucket on the local flavor.
 */
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
    org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(LAKE + "probe/_temporary/0/part-0");
    byte[] content = "fare,zone\n12.5,3\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    try (FSDataOutputStream out = fs.create(staged)) {
      out.write(content);
    }
    assertTrue(fs.mkdirs(new org.apache.hadoop.fs.Path(LAKE + "probe/empty-dir")));
    org.apache.hadoop.fs.Path committed = new org.apache.hadoop.fs.Path(LAKE + "probe/part-0");
    assertTrue(fs.rename(staged, committed));
    assertFalse(fs.exists(staged));
    try (var in = fs.open(committed)) {
      in.seek(5);
      byte[] rest = in.readAllBytes();
      assertArrayEquals(Arrays.copyOfRange(content, 5, content.length), rest);
    }
    assertEquals(content.length, fs.getFileStatus(committed).getLen());
    assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path(LAKE + "probe")).isDirectory());
    assertTrue(fs.delete(new org.apache.hadoop.fs.Path(LAKE + "probe/_temporary"), true));
    assertEquals(java.util.List.of("empty-dir", "part-0"),
        Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(LAKE + "probe"))).map(s -> s.getPath().getName())
            .sorted().toList());
    assertEquals(java.util.Set.of(), gcs.unserved(), "requests the stand-in did not serve");
  }

  @Test
  void theFarePipelineReadsAndWritesGcs() throws Exception {
    FarePipelineOnStore pipeline = new FarePipelineOnStore(work.resolve("home"), LAKE, gcs.sparkConf(), Map.of());
    pipeline.runFourSteps();

    FileSystem fs = FileSystem.get(URI.create(LAKE), gcsConf());
    for (String output : FarePipelineOnStore.OUTPUTS) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(LAKE + output)), output + " is in the bucket");
    }
    assertTrue(Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(LAKE + "predictions")))
        .anyMatch(status -> status.getPath().getName().endsWith(".parquet") && status.getLen() > 0),
        "predictions has parquet parts");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(LAKE + "predictions/_SUCCESS")), "the job committed");
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
