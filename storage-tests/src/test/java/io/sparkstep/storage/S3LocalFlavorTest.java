package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.testing.CliProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fare pipeline's four steps (generate-trips, trip-features, train-fare-model, score-trips) each reading and
 * writing s3a:// on the local flavor, as a user runs them: fresh CLI JVMs, the S3 endpoint and path-style access in
 * an operator's settings, credentials from the AWS default chain's environment variables.
 */
@Tag("slow")
class S3LocalFlavorTest {
  private static final String LAKE = "s3a://" + S3StandIn.BUCKET + "/lake/";

  @RegisterExtension
  static final StandInFixture<S3StandIn> S3 = new StandInFixture<>(S3StandIn::start);

  @Test
  void theFarePipelineReadsAndWritesS3() throws Exception {
    S3StandIn s3 = S3.store();
    Path home = S3.work().resolve("home");
    FarePipelineOnStore pipeline = new FarePipelineOnStore(home, LAKE, s3.sparkConf(),
        S3StandIn.credentialsEnvironment());
    pipeline.runFourSteps();

    FileSystem fs = FileSystem.get(URI.create(LAKE), s3.readerConf());
    pipeline.assertAllOutputsOn(fs);
    // Spark's job commit went through the S3A magic committer (a copy-free commit): its _SUCCESS is a JSON manifest
    // naming it.
    for (String output : List.of("trips", "features", "predictions")) {
      String success;
      try (var in = fs.open(new org.apache.hadoop.fs.Path(FarePipelineOnStore.committed(fs, LAKE + output), "_SUCCESS"))) {
        success = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      assertTrue(success.matches("(?s).*\"committer\"\\s*:\\s*\"magic\".*"), output + "/_SUCCESS: " + success);
    }
    List<String> leftovers = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(LAKE))).map(FileStatus::getPath)
        .map(org.apache.hadoop.fs.Path::getName).filter(name -> name.startsWith(".")).toList();
    assertEquals(List.of(), leftovers, "no staging or marker is left beside the outputs");
    pipeline.assertNoFileHolds(S3StandIn.SECRET_KEY);
  }

  /**
   * The AWS default chain beyond what Hadoop's own provider list reads: here the shared profile file (the chain's
   * web identity, container and instance roles are its later links). Hadoop's list alone finds no credentials.
   */
  @Test
  void credentialsComeFromTheSharedProfileAsTheAwsDefaultChainReadsThem() throws Exception {
    S3StandIn s3 = S3.store();
    Path home = S3.work().resolve("profile-home");
    Path credentials = S3.work().resolve("aws-credentials");
    Files.writeString(credentials, "[lake]\naws_access_key_id = " + S3StandIn.ACCESS_KEY + "\naws_secret_access_key = "
        + S3StandIn.SECRET_KEY + "\n");
    List<String> args = new ArrayList<>(List.of("run", "--step", "generate-trips", "--param", "rows=200",
        "--param", "zones=5", "--output", "trips=" + LAKE + "profile/trips", "--output", "zones=" + LAKE + "profile/zones"));
    // endpoint and path-style for this one run, not through an operator
    s3.sparkConf().forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
    CliProcess run = CliProcess.run(home, FarePipelineOnStore.STEP_TIMEOUT, Map.of("AWS_SHARED_CREDENTIALS_FILE", credentials.toString(),
        "AWS_PROFILE", "lake", "AWS_REGION", "us-east-1"), args.toArray(String[]::new));
    assertSucceeded(run);
    assertTrue(FileSystem.get(URI.create(LAKE), s3.readerConf()).exists(new org.apache.hadoop.fs.Path(LAKE + "profile/trips")));
    new FarePipelineOnStore(home, LAKE, Map.of(), Map.of()).assertNoFileHolds(S3StandIn.SECRET_KEY);
  }

  private static void assertSucceeded(CliProcess call) {
    assertEquals(0, call.code(), call.all());
  }
}
