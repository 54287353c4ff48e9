package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.remote.SparkHadoopConf;
import io.sparkstep.spi.remote.SpecChannel;
import io.sparkstep.spi.remote.SpecStaging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec past a flavor's argument limit is staged on a Hadoop file system, the driver is given {@code --spec URI}
 * and the entrypoint reads it back whole from there; the copy is deleted after; with no staging location such a spec
 * is refused naming the setting.
 */
class SpecStagingTest {
  @TempDir
  Path tmp;

  @Test
  void aSpecPastTheLimitIsStagedPassedByUriReadBackByTheEntrypointAndDeleted() throws Exception {
    SpecChannel channel = new SpecChannel(1024);
    String staging = tmp.resolve("staging").toUri().toString();
    Configuration conf = SparkHadoopConf.of(Map.of());
    String small = "{\"step\":\"s\"}";
    assertEquals(channel.inlineArguments(small), channel.arguments(small, json -> {
      throw new AssertionError("a spec that fits is not staged");
    }));

    String large = "{\"params\":{\"blob\":\"" + "é".repeat(2048) + "\"}}";
    String location = SpecStaging.location(staging + "/", "run-1-attempt-1");
    assertEquals(staging + "/specs/run-1-attempt-1.json", location, "one slash whatever the base ends with");
    List<String> args = channel.arguments(large, json -> SpecStaging.write(location, json, conf));
    assertEquals(List.of("--spec", location), args);
    Path file = Paths.get(java.net.URI.create(location));
    assertTrue(Files.isRegularFile(file), "staged under " + staging);
    assertEquals(large, StepEntrypoint.Arguments.parse(args.toArray(String[]::new)).specJson(),
        "the entrypoint reads the spec from the URI, multi-byte characters intact");

    SpecStaging.delete(location, conf);
    assertFalse(Files.exists(file));
    SpecStaging.delete(location, conf); // a second observer's delete finds nothing and is no error
  }

  @Test
  void aSpecPastTheLimitWithNoStagingLocationIsRefusedNamingTheSetting() {
    SpecChannel channel = new SpecChannel(1024);
    String large = "x".repeat(2048);
    assertTrue(SpecStaging.check(channel, "{}", null, "stagingUri").isEmpty(), "a spec that fits needs none");
    assertTrue(SpecStaging.check(channel, large, "file:///shared/staging", "stagingUri").isEmpty());
    ValidationProblem problem = SpecStaging.check(channel, large, " ", "stagingUri").orElseThrow();
    assertEquals("stagingUri", problem.field());
    assertTrue(problem.message().contains("2 KiB") && problem.message().contains("1 KiB"), problem.message());
    assertTrue(problem.hint().contains("set the operator's stagingUri"), problem.hint());
  }

  @Test
  void theHadoopConfComesFromTheSparkConfsHadoopEntries() {
    Configuration conf = SparkHadoopConf.of(Map.of("spark.hadoop.fs.s3a.endpoint", "http://minio:9000",
        "spark.executor.memory", "2g"));
    assertEquals("http://minio:9000", conf.get("fs.s3a.endpoint"));
    assertEquals(null, conf.get("executor.memory"));
  }
}
