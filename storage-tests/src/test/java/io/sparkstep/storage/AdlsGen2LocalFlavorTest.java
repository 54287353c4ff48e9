package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * abfss:// on the DFS endpoint of a hierarchical-namespace account (ADLS Gen2, what Azure ML and real lakes use)
 * through the hadoop-azure the distribution ships, against {@link AdlsGen2StandIn} over TLS: the fare pipeline's four
 * steps on the local flavor, the CLI JVMs trusting the stand-in's certificate through the JDK's trust store options
 * and holding the account key only as a {@code ${ENV}} reference. What is on the store is read from the stand-in
 * itself, so this JVM needs no trust of its own.
 */
@Tag("slow")
class AdlsGen2LocalFlavorTest {
  private static final String HOST = AdlsGen2StandIn.HOST;
  private static final String LAKE = "abfss://" + AdlsGen2StandIn.FILE_SYSTEM + "@" + HOST + "/lake/";
  private static final String KEY_VARIABLE = "SPARKSTEP_TEST_ADLS_KEY";
  /** The path of this test's own wrongly signed request, told apart from the connector's. */
  private static final String WRONGLY_SIGNED = "wrongly-signed";

  @TempDir
  static Path work;
  static AdlsGen2StandIn adls;

  @BeforeAll
  static void startStandIn() throws Exception {
    adls = AdlsGen2StandIn.start(work);
  }

  @AfterAll
  static void stopStandIn() {
    if (adls != null) {
      // what the connector asked of the DFS API in these runs, for whoever extends the stand-in
      System.out.println("ADLS Gen2 stand-in served: " + adls.served());
      adls.close();
    }
  }

  /** The stand-in checks the signature, so the pipeline's passing proves the connector signed with the key. */
  @Test
  void aRequestSignedWithAnotherKeyIsRefused() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(adls.clientContext()).build();
    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + adls.port() + "/" + AdlsGen2StandIn.ACCOUNT + "/"
                + AdlsGen2StandIn.FILE_SYSTEM + "/" + WRONGLY_SIGNED + "?action=getStatus"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("x-ms-date", "Mon, 07 Dec 2026 12:00:00 GMT")
        .header("Authorization", "SharedKey " + AdlsGen2StandIn.ACCOUNT + ":bm90LXRoZS1zaWduYXR1cmU=").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, answer.statusCode());
    assertTrue(adls.unauthorized().stream().anyMatch(request -> request.contains(WRONGLY_SIGNED)),
        adls.unauthorized()::toString);
  }

  @Test
  void theFarePipelineReadsAndWritesAdlsGen2OverTlsAndCommitsByDirectoryRename() throws Exception {
    FarePipelineOnStore pipeline = new FarePipelineOnStore(work.resolve("home"), LAKE, adls.sparkConf(KEY_VARIABLE),
        Map.of(KEY_VARIABLE, AdlsGen2StandIn.ACCOUNT_KEY), adls.trustStoreFlags());
    pipeline.runFourSteps();

    assertEquals(Set.of(), adls.unserved(), "requests the stand-in did not serve");
    assertEquals(List.of(), adls.unauthorized().stream().filter(request -> !request.contains(WRONGLY_SIGNED)).toList(),
        "the connector's requests without a valid Shared Key signature");
    for (String output : FarePipelineOnStore.OUTPUTS) {
      assertTrue(adls.isDirectory("lake/" + output), output + " is a directory on the store");
    }
    Map<String, Integer> predictions = adls.filesIn("lake/predictions");
    assertTrue(predictions.containsKey("_SUCCESS"), "the job committed: " + predictions);
    assertTrue(predictions.entrySet().stream()
            .anyMatch(file -> file.getKey().endsWith(".parquet") && file.getValue() > 0),
        "predictions has parquet parts: " + predictions);
    // the engine's commit: the staged output moved onto its URI by one DFS rename of the directory
    assertTrue(adls.renames().stream().anyMatch(rename ->
            rename.matches("lake/\\.predictions\\.sparkstep-staging-\\S+ -> lake/predictions \\(directory\\)")),
        "the output was switched by one directory rename: " + adls.renames());
    pipeline.assertNoFileHolds(AdlsGen2StandIn.ACCOUNT_KEY);
  }
}
