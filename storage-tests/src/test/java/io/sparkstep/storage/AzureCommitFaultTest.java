package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's pointer commit on Azure Blob storage without hierarchical namespace (abfs:// on Azurite's Blob
 * endpoint, where the commit is a pointer: a rename there is a copy) under faults ({@link CommitFaultScenario}): a run
 * through a proxy that throttles uploads with 503 ServerBusy and resets a connection mid-upload, then drivers killed
 * with -9 while the pointers switch and while the replaced data is deleted (all four moments run on S3); both outputs
 * resolve to the complete old or the complete new run after each.
 */
@EnabledIf(value = "io.sparkstep.storage.AzuriteStandIn#nodeIsOnThePath",
    disabledReason = "node is not on the PATH: Azurite (npm azurite@" + AzuriteStandIn.VERSION + ") cannot run here")
@Tag("slow")
class AzureCommitFaultTest {
  @RegisterExtension
  static final StandInFixture<AzuriteStandIn> AZURITE = new StandInFixture<>(AzuriteStandIn::start);
  private static final String LAKE = "abfs://faults@" + AzuriteStandIn.ACCOUNT + ".dfs.core.windows.net/faults/";
  private static final String KEY_VARIABLE = "SPARKSTEP_TEST_AZURE_KEY";
  private static final Pattern UPLOAD = Pattern.compile("^PUT ");
  private static final String SERVER_BUSY = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
      + "<Message>The server is busy.</Message></Error>";

  @Test
  void aKilledOrThrottledCommitLeavesTheCompleteOldOrTheCompleteNewOutputs() throws Exception {
    AzuriteStandIn azurite = AZURITE.store();
    String direct = "127.0.0.1:" + azurite.port();
    CommitFaultScenario scenario = new CommitFaultScenario(AZURITE.work().resolve("home"), AZURITE.work(), LAKE,
        AzureCommitFaultTest::storeConf, Map.of(KEY_VARIABLE, AzuriteStandIn.ACCOUNT_KEY),
        FileSystem.get(URI.create(LAKE), AzuriteStandIn.readerConf(storeConf(direct))));

    // Throttled (503 ServerBusy to the first PUTs) and a connection reset in the middle of an upload: hadoop-azure
    // retries both.
    String first;
    try (FaultyHttpProxy proxy = FaultyHttpProxy.start(azurite.port(),
        List.of(new FaultyHttpProxy.Refusal(UPLOAD, 2, "HTTP/1.1 503 The server is busy.",
            Map.of("Content-Type", "application/xml", "x-ms-error-code", "ServerBusy"), SERVER_BUSY)),
        new FaultyHttpProxy.Reset(UPLOAD, 256))) {
      first = scenario.succeeds("127.0.0.1:" + proxy.port(), 300);
      assertEquals(2, proxy.refusalsSent.get(), "the first PUTs were throttled");
      assertEquals(1, proxy.resetsSent.get(), "one upload was cut mid-body");
      // Spark's job commit (its default committer here) renames each task's files out of _temporary, a copy on
      // Blob storage; the engine's commit copies nothing
      assertEquals(List.of(), proxy.heads().stream().map(head -> head.toLowerCase(Locale.ROOT))
              .filter(head -> head.contains("\nx-ms-copy-source:")).map(head -> head.lines()
                  .filter(line -> line.startsWith("x-ms-copy-source:")).findFirst().orElseThrow())
              .filter(source -> !source.contains("_temporary")).toList(),
          "copies other than Spark's task commit");
    }
    scenario.killsWhileSwitchingAndWhileDeletingLeaveTheOldOrTheNewOutputs(direct, first);
  }

  /** The account's settings for one run, its endpoint at {@code hostPort}, the key a reference to the environment. */
  private static Map<String, String> storeConf(String hostPort) {
    return AzuriteStandIn.abfsConf(hostPort, "${" + KEY_VARIABLE + "}");
  }
}
