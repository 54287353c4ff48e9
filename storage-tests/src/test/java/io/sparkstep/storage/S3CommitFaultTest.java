package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's pointer commit on S3 under faults ({@link CommitFaultScenario}, on the S3 stand-in): a run through a
 * proxy that throttles with 503 SlowDown and resets a connection mid-upload, then drivers killed with -9 at each
 * moment of the commit; both outputs resolve to the complete old or the complete new run after each.
 */
@Tag("slow")
class S3CommitFaultTest {
  @RegisterExtension
  static final StandInFixture<S3StandIn> S3 = new StandInFixture<>(S3StandIn::start);
  private static final String LAKE = "s3a://" + S3StandIn.BUCKET + "/faults/";
  private static final String SLOW_DOWN = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
      + "<Message>Please reduce your request rate.</Message></Error>";

  @Test
  void aKilledOrThrottledCommitLeavesTheCompleteOldOrTheCompleteNewOutputs() throws Exception {
    S3StandIn s3 = S3.store();
    CommitFaultScenario scenario = new CommitFaultScenario(S3.work().resolve("home"), S3.work(), LAKE,
        S3CommitFaultTest::storeConf, S3StandIn.credentialsEnvironment(),
        FileSystem.get(URI.create(LAKE), s3.readerConf()));

    // Throttled (503 SlowDown to the first PUTs) and a connection reset in the middle of an upload: S3A retries both.
    String first;
    try (FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.port(),
        List.of(new FaultyHttpProxy.Refusal(Pattern.compile("^PUT "), 3, "HTTP/1.1 503 Slow Down",
            Map.of("Content-Type", "application/xml"),
            SLOW_DOWN)),
        new FaultyHttpProxy.Reset(Pattern.compile("^PUT "), 256))) {
      first = scenario.succeeds("127.0.0.1:" + proxy.port(), 300);
      assertEquals(3, proxy.refusalsSent.get(), "the first PUTs were throttled");
      assertEquals(1, proxy.resetsSent.get(), "one upload was cut mid-body");
      assertEquals(0, proxy.count(head -> head.toLowerCase(Locale.ROOT).contains("\nx-amz-copy-source:")),
          "the commit copied nothing");
    }
    scenario.killsAtEachMomentLeaveTheOldOrTheNewOutputs("127.0.0.1:" + s3.port(), first);
  }

  /** The stand-in's settings for one run, its endpoint at {@code hostPort}. */
  private static Map<String, String> storeConf(String hostPort) {
    Map<String, String> conf = new LinkedHashMap<>(S3.store().sparkConf());
    conf.put("spark.hadoop.fs.s3a.endpoint", "http://" + hostPort);
    return conf;
  }
}
