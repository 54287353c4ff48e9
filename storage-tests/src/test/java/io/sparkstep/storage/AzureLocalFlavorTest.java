package io.sparkstep.storage;

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
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * abfs:// through the hadoop-azure the distribution ships, against Azurite's Blob endpoint on loopback
 * ({@link AzuriteStandIn}): the file system operations Spark's commit relies on, then the fare pipeline's four steps
 * reading and writing the container on the local flavor, the account key given only as a {@code ${ENV}} reference.
 */
@EnabledIf(value = "io.sparkstep.storage.AzuriteStandIn#nodeIsOnThePath",
    disabledReason = "node is not on the PATH: Azurite (npm azurite@" + AzuriteStandIn.VERSION + ") cannot run here")
@Tag("slow")
class AzureLocalFlavorTest {
  private static final String CONTAINER = "lake";
  private static final String HOST = AzuriteStandIn.ACCOUNT + ".dfs.core.windows.net";
  private static final String LAKE = "abfs://" + CONTAINER + "@" + HOST + "/lake/";
  private static final String KEY_VARIABLE = "SPARKSTEP_TEST_AZURE_KEY";

  @TempDir
  static Path work;
  static AzuriteStandIn azurite;

  @BeforeAll
  static void startAzurite() throws Exception {
    azurite = AzuriteStandIn.start(work);
  }

  @AfterAll
  static void stopAzurite() throws Exception {
    if (azurite != null) {
      azurite.close();
    }
  }

  /** What an operator sets for this account, {@code key} the key or a reference to the environment. */
  private static Map<String, String> storeConf(String key) {
    return AzuriteStandIn.abfsConf("127.0.0.1:" + azurite.port(), key);
  }

  @Test
  void theConnectorWritesListsRenamesAndDeletesThroughAzurite() throws Exception {
    FileSystem fs = FileSystem.get(URI.create(LAKE), azureConf());
    StoreProbe.writeListRenameDelete(fs, LAKE);
  }

  @Test
  void theFarePipelineReadsAndWritesAzureBlobWithTheKeyFromTheEnvironment() throws Exception {
    FarePipelineOnStore pipeline = new FarePipelineOnStore(work.resolve("home"), LAKE,
        storeConf("${" + KEY_VARIABLE + "}"), Map.of(KEY_VARIABLE, AzuriteStandIn.ACCOUNT_KEY));
    pipeline.runFourSteps();

    FileSystem fs = FileSystem.get(URI.create(LAKE), azureConf());
    pipeline.assertAllOutputsOn(fs);
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(FarePipelineOnStore.committed(fs, LAKE + "predictions"), "_SUCCESS")), "the job committed");
    pipeline.assertNoFileHolds(AzuriteStandIn.ACCOUNT_KEY);
  }

  /** How this test reads the container: the settings a run gets, the key itself in place of its reference. */
  private static Configuration azureConf() {
    return AzuriteStandIn.readerConf(storeConf("${" + KEY_VARIABLE + "}"));
  }
}
