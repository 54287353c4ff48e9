package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's pointer commit on GCS under faults ({@link CommitFaultScenario}, on {@link GcsStandIn}): a run through
 * a proxy that throttles uploads with GCS's JSON errors (429 rate limit, 503 backend error) and resets a connection
 * mid-upload, then drivers killed with -9 while the pointers switch and while the replaced data is deleted (all four
 * moments run on S3); both outputs resolve to the complete old or the complete new run after each.
 */
@Tag("slow")
class GcsCommitFaultTest {
  @RegisterExtension
  static final StandInFixture<GcsStandIn> GCS = new StandInFixture<>(work -> GcsStandIn.start());
  private static final String LAKE = "gs://" + GcsStandIn.BUCKET + "/faults/";
  private static final Pattern UPLOAD = Pattern.compile("^(POST|PUT) /upload/");
  private static final Pattern COPY = Pattern.compile("^POST \\S+/(copyTo|rewriteTo)/");
  private static final Map<String, String> JSON_ERROR = Map.of("Content-Type", "application/json; charset=UTF-8");
  private static final String RATE_LIMITED = "{\"error\":{\"code\":429,\"message\":\"The rate of change requests to "
      + "the object exceeds the rate limit. Please reduce the rate of create, update, and delete requests.\","
      + "\"errors\":[{\"domain\":\"usageLimits\",\"reason\":\"rateLimitExceeded\"}]}}";
  private static final String BACKEND_ERROR = "{\"error\":{\"code\":503,\"message\":\"Backend Error\","
      + "\"errors\":[{\"domain\":\"global\",\"reason\":\"backendError\"}]}}";

  @Test
  void aKilledOrThrottledCommitLeavesTheCompleteOldOrTheCompleteNewOutputs() throws Exception {
    GcsStandIn gcs = GCS.store();
    Configuration readerConf = new Configuration();
    storeConf("127.0.0.1:" + gcs.port()).forEach((key, value) -> readerConf.set(key.substring("spark.hadoop.".length()),
        value));
    readerConf.setBoolean("fs.gs.impl.disable.cache", true);
    CommitFaultScenario scenario = new CommitFaultScenario(GCS.work().resolve("home"), GCS.work(), LAKE,
        GcsCommitFaultTest::storeConf, Map.of(), FileSystem.get(URI.create(LAKE), readerConf));

    // Throttled uploads (429, then 503) and a connection reset in the middle of an upload: the connector retries.
    String first;
    try (FaultyHttpProxy proxy = FaultyHttpProxy.start(gcs.port(), List.of(
            new FaultyHttpProxy.Refusal(UPLOAD, 2, "HTTP/1.1 429 Too Many Requests", JSON_ERROR,
                RATE_LIMITED),
            new FaultyHttpProxy.Refusal(UPLOAD, 1, "HTTP/1.1 503 Service Unavailable", JSON_ERROR,
                BACKEND_ERROR)),
        new FaultyHttpProxy.Reset(UPLOAD, 256))) {
      first = scenario.succeeds("127.0.0.1:" + proxy.port(), 300);
      assertEquals(3, proxy.refusalsSent.get(), "the first uploads were throttled");
      assertEquals(1, proxy.resetsSent.get(), "one upload was cut mid-body");
      // Spark's job commit (its default committer here) renames each task's files out of _temporary, a copy on GCS;
      // the engine's commit copies nothing
      assertEquals(List.of(), proxy.heads().stream().map(head -> head.substring(0, head.indexOf("\r\n")))
              .filter(line -> COPY.matcher(line).find() && !line.contains("%2F_temporary%2F")).toList(),
          "copies other than Spark's task commit");
    }
    scenario.killsWhileSwitchingAndWhileDeletingLeaveTheOldOrTheNewOutputs("127.0.0.1:" + gcs.port(), first);
    assertEquals(Set.of(), gcs.unserved(), "requests the stand-in did not serve");
    assertTrue(gcs.served().contains("DELETE object"), "the replaced runs were deleted: " + gcs.served());
  }

  /**
   * The stand-in's settings for one run, its root URL at {@code hostPort}, and the connector's default retries (the
   * stand-in's own settings fail at the first error, for its unserved requests to show at once).
   */
  private static Map<String, String> storeConf(String hostPort) {
    Map<String, String> conf = new LinkedHashMap<>(GCS.store().sparkConf());
    conf.put("spark.hadoop.fs.gs.storage.root.url", "http://" + hostPort + "/");
    conf.remove("spark.hadoop.fs.gs.http.max.retry");
    return conf;
  }
}
