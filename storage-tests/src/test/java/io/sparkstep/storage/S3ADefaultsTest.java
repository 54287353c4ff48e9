package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.runtime.S3ADefaults;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sparkstep's defaults for runs on s3a, with the connector set's real classes on this class path: the AWS default
 * credential chain for any s3a input or output, Spark's commit through the S3A magic committer for s3a outputs where
 * the driver can load Spark's cloud bindings, nothing for other stores.
 */
class S3ADefaultsTest {
  private static final String PROVIDERS = "spark.hadoop.fs.s3a.aws.credentials.provider";
  private static final String PROTOCOL = "spark.sql.sources.commitProtocolClass";

  @Test
  void anS3aOutputGetsTheDefaultChainAndTheMagicCommitter() throws Exception {
    Map<String, String> conf = S3ADefaults.forRun(spec("file:/data/trips", "s3a://bucket/features"), loader());
    assertTrue(conf.get(PROVIDERS).endsWith("software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider"), conf.toString());
    assertEquals("magic", conf.get("spark.hadoop.fs.s3a.committer.name"));
    // every class named is one the driver loads
    for (String className : conf.get(PROVIDERS).split(",")) {
      Class.forName(className.trim(), false, loader());
    }
    for (String key : new String[] {PROTOCOL, "spark.sql.parquet.output.committer.class",
        "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a"}) {
      Class.forName(conf.get(key), false, loader());
    }
  }

  @Test
  void anS3aInputAloneGetsTheCredentialChainButKeepsSparksCommitter() {
    Map<String, String> conf = S3ADefaults.forRun(spec("s3a://bucket/trips", "gs://bucket/features"), loader());
    assertTrue(conf.containsKey(PROVIDERS), conf.toString());
    assertFalse(conf.containsKey(PROTOCOL), conf.toString());
  }

  @Test
  void aDriverWithoutSparksCloudBindingsKeepsSparksCommitter() throws Exception {
    try (URLClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      Map<String, String> conf = S3ADefaults.forRun(spec("file:/data/trips", "s3a://bucket/features"), bare);
      assertFalse(conf.containsKey(PROTOCOL), conf.toString());
    }
  }

  @Test
  void otherStoresGetNothing() {
    assertEquals(Map.of(), S3ADefaults.forRun(spec("file:/data/trips", "abfss://c@a.dfs.core.windows.net/f"), loader()));
  }

  private static StepSpec spec(String input, String output) {
    StepSpec spec = new StepSpec();
    spec.inputs.put("in", new ArtifactSpec(input, null, null));
    spec.outputs.put("out", new ArtifactSpec(output, null, null));
    return spec;
  }

  private static ClassLoader loader() {
    return S3ADefaultsTest.class.getClassLoader();
  }
}
