package io.sparkstep.storage;

import static io.sparkstep.testing.TableRuns.assertSucceeded;
import static io.sparkstep.testing.TableRuns.read;
import static io.sparkstep.testing.TableRuns.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.runtime.SparkSessionFactory;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.testing.RangeStep;
import io.sparkstep.testing.TableRuns;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta and Iceberg tables on the S3 stand-in (s3a://), written and read through the runner on one driver session
 * made as a run's is (its table conf and its s3a defaults): a write, an overwrite as the next version, a next step
 * reading the latest version and one by time travel, each version in the writer's and the reader's records, and the
 * commit on the store where each format keeps it. Delta commits through its default log store for s3a
 * ({@code S3SingleDriverLogStore}), Iceberg as a Hadoop table by location: both safe for one writer at a time, which
 * is what one run is (docs/tables.md).
 */
@Tag("slow")
class S3TableFormatsTest {
  private static final String LAKE = "s3a://" + S3StandIn.BUCKET + "/tables/";

  @TempDir
  static Path work;
  static S3StandIn s3;
  static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3StandIn.start(work);
    StepSpec usesBothOnS3 = new StepSpec();
    usesBothOnS3.step = "conf";
    usesBothOnS3.runId = "conf";
    usesBothOnS3.outputs.put("delta", new ArtifactSpec(LAKE + "conf-delta", "delta", null));
    usesBothOnS3.outputs.put("iceberg", new ArtifactSpec(LAKE + "conf-iceberg", "iceberg", null));
    usesBothOnS3.sparkConf.putAll(s3.sparkConf());
    // the stand-in's keys for this test's own driver only; runs through the CLI take them from the AWS chain
    usesBothOnS3.sparkConf.putAll(Map.of(
        "spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.access.key", S3StandIn.ACCESS_KEY, "spark.hadoop.fs.s3a.secret.key", S3StandIn.SECRET_KEY,
        "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "1"));
    spark = SparkSessionFactory.create(usesBothOnS3, AcceleratorPlan.none(), "local[2]");
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aDeltaTableOnS3IsWrittenVersionByVersionAndReadBack() throws Exception {
    String table = LAKE + "delta-trips";
    List<DataSnapshot> versions = writeTwoVersionsAndReadBoth(table, "delta", DataSnapshot.DELTA_VERSION,
        "versionAsOf");
    assertEquals(List.of("0", "1"), versions.stream().map(version -> version.value).toList());
    assertEquals(List.of("00000000000000000000.json", "00000000000000000001.json"),
        names(table + "/_delta_log").stream().filter(name -> name.endsWith(".json")).toList(),
        "each version is one commit file in the table's log on the store");
  }

  @Test
  void anIcebergTableOnS3IsWrittenSnapshotBySnapshotAndReadBack() throws Exception {
    String table = LAKE + "iceberg-trips";
    writeTwoVersionsAndReadBoth(table, "iceberg", DataSnapshot.ICEBERG_SNAPSHOT, "snapshot-id");
    List<String> metadata = names(table + "/metadata");
    // created empty, then one metadata file per snapshot: the Hadoop table's commit, version-hint naming the last
    assertTrue(metadata.containsAll(List.of("v1.metadata.json", "v2.metadata.json", "v3.metadata.json",
        "version-hint.text")), metadata.toString());
  }

  /** Writes 5 rows, then 3 as the next version; reads the latest and the first back; returns both versions. */
  private static List<DataSnapshot> writeTwoVersionsAndReadBoth(String table, String format, String kind,
                                                                String timeTravelOption) {
    RunRecord first = TableRuns.run(spark, write(RangeStep.class, format + "-s3-1", table, format, 5, null));
    assertSucceeded(first);
    DataSnapshot firstVersion = first.outputs.get("out").snapshot;
    assertEquals(kind, firstVersion.kind);
    RunRecord second = TableRuns.run(spark, write(RangeStep.class, format + "-s3-2", table, format, 3, "overwrite"));
    assertSucceeded(second);
    DataSnapshot secondVersion = second.outputs.get("out").snapshot;

    RunRecord latest = TableRuns.run(spark, read(format + "-s3-read", table, format, Map.of(), work));
    assertSucceeded(latest);
    assertEquals(secondVersion, latest.inputs.get("in").snapshot, "the next step reads the version the last wrote");
    assertEquals(3L, latest.outputs.get("out").rows);
    RunRecord travelled = TableRuns.run(spark, read(format + "-s3-travel", table, format,
        Map.of(timeTravelOption, firstVersion.value), work));
    assertSucceeded(travelled);
    assertEquals(firstVersion, travelled.inputs.get("in").snapshot);
    assertEquals(5L, travelled.outputs.get("out").rows, "time travel reads the first version's rows");
    return List.of(firstVersion, secondVersion);
  }

  private static List<String> names(String directory) throws Exception {
    FileSystem fs = FileSystem.get(URI.create(directory), s3.readerConf());
    return Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(directory))).map(FileStatus::getPath)
        .map(org.apache.hadoop.fs.Path::getName).sorted().toList();
  }
}
