package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.remote.SpecChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A spec larger than one OS argument (Linux: 128 KiB) travels in parts that each fit, and joins back whole. */
class SpecChannelTest {
  @Test
  void specOf256KibIsSplitUnderTheOsLimitAndJoinedByTheEntrypoint() throws Exception {
    // multi-byte characters, so a split on bytes rather than characters would break them or overshoot
    String spec = "{\"params\":{\"blob\":\"" + "é€x".repeat(256 * 1024 / 6) + "\"}}";
    assertTrue(spec.getBytes(StandardCharsets.UTF_8).length > 256 * 1024 / 2 * 1);
    List<String> args = new SpecChannel(1024 * 1024).inlineArguments(spec);
    assertTrue(args.size() >= 4, "more than one part: " + args.size() / 2);
    for (String arg : args) {
      assertTrue(arg.getBytes(StandardCharsets.UTF_8).length < 128 * 1024, "an argument under the OS limit");
    }
    assertEquals(spec, StepEntrypoint.Arguments.parse(args.toArray(String[]::new)).specJson());
  }

  @Test
  void aSpecPastTheFlavorsInlineLimitDoesNotGoInline() {
    SpecChannel channel = new SpecChannel(100 * 1024);
    String spec = "x".repeat(101 * 1024);
    assertTrue(!channel.fitsInline(spec));
    assertEquals(List.of("--spec", "file:///tmp/spec.json"), SpecChannel.uriArguments("file:///tmp/spec.json"));
  }

  @Test
  void aContainerGetsTheSpecInItsEnvironmentUpToTheLimitElseTheUriOfTheUploadedCopy() {
    SpecChannel channel = new SpecChannel(512);
    List<String> uploaded = new ArrayList<>();
    SpecChannel.Upload<RuntimeException> upload = json -> {
      uploaded.add(json);
      return "s3a://bucket/run-1/spec.json";
    };
    // 512 bytes but fewer characters: the limit counts bytes, which bound what a platform counts as characters
    String small = "é".repeat(256);
    Map<String, String> env = channel.environment(small, "s3a://bucket/run-1/run", upload);
    assertEquals(Map.of(StepEntrypoint.SPEC_ENV, small, StepEntrypoint.RUN_DIR_ENV, "s3a://bucket/run-1/run"), env);
    assertNull(SpecChannel.stagedSpecUri(env));
    assertEquals(List.of(), uploaded);

    String large = small + "x";
    env = channel.environment(large, "s3a://bucket/run-1/run", upload);
    assertEquals(Map.of(StepEntrypoint.SPEC_URI_ENV, "s3a://bucket/run-1/spec.json",
        StepEntrypoint.RUN_DIR_ENV, "s3a://bucket/run-1/run"), env);
    assertEquals("s3a://bucket/run-1/spec.json", SpecChannel.stagedSpecUri(env));
    assertEquals(List.of(large), uploaded);
  }
}
