package io.sparkstep.flavor.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.runtime.CommittedLocation;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.storage.S3StandIn;
import io.sparkstep.testing.CopyStep;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step in the sagemaker flavor's training container (the stand-in's job: a JVM with the image's class path, which
 * carries the connectors) reading an s3a:// input and writing an s3a:// output on the S3 stand-in. The container has
 * no keys in its environment, Spark conf or spec: its S3A client gets the job role's credentials from the container
 * credentials endpoint the job's environment names, as on SageMaker. The CLI side signs its SageMaker calls with the
 * user's own credentials (the SDK's default chain), which never reach the container.
 */
@Tag("slow")
class S3SageMakerContainerTest {
  private static final String LAKE = "s3a://" + S3StandIn.BUCKET + "/sagemaker/";

  @TempDir
  Path work;

  @Test
  void aTrainingContainerReadsAndWritesS3WithTheJobRolesCredentials() throws Exception {
    Path home = work.resolve("home");
    try (S3StandIn s3 = S3StandIn.start(work); StandInCredentials user = StandInCredentials.install();
         SageMakerStandIn sageMaker = new SageMakerStandIn(work.resolve("standin"))) {
      sageMaker.grantRoleCredentials(new SageMakerStandIn.RoleCredentials(S3StandIn.ACCESS_KEY, S3StandIn.SECRET_KEY,
          "standin-role-session-token"));
      new OperatorStore(home, new FlavorRegistry()).register("sm-lake", "sagemaker",
          sageMaker.operatorSettings(work.resolve("spec-store")), true);
      FileSystem lake = FileSystem.get(URI.create(LAKE), s3.readerConf());
      try (FSDataOutputStream out = lake.create(new org.apache.hadoop.fs.Path(LAKE + "zones/part-0.csv"))) {
        out.write("1,Airport\n2,Harbour\n3,Old Town\n".getBytes(StandardCharsets.UTF_8));
      }

      StepRun run = Sparkstep.operator("sm-lake", home).conf(s3.sparkConf())
          .conf("spark.sql.shuffle.partitions", "1")
          .step(CopyStep.class.getName()).input("in", LAKE + "zones", "csv").output("out", LAKE + "zones-copy")
          .submit();
      RunState state = run.await(Duration.ofMinutes(4));
      assertEquals(RunState.SUCCEEDED, state, () -> "log:\n" + String.join("\n", run.logs(false).toList()));

      RunRecord record = new RunStore(home).load(run.id()).orElseThrow();
      assertEquals(3L, record.outputs.get("out").rows, "every row of the s3a input is in the s3a output");
      // on S3 the engine commits by pointer: the output's data is at the committed run's own location under its URI
      CommittedLocation.Resolved committed = CommittedLocation.resolve(s3.readerConf(), LAKE + "zones-copy");
      assertEquals(run.id(), committed.commitId(), "the output's pointer names this run's commit");
      assertEquals(new org.apache.hadoop.fs.Path(committed.location()),
          new org.apache.hadoop.fs.Path(record.outputs.get("out").uri), "the record names the committed location");
      org.apache.hadoop.fs.Path copy = new org.apache.hadoop.fs.Path(committed.location());
      assertTrue(Arrays.stream(lake.listStatus(copy))
          .anyMatch(status -> status.getPath().getName().endsWith(".parquet") && status.getLen() > 0),
          "the output's parquet parts are on the store");
      assertTrue(lake.exists(new org.apache.hadoop.fs.Path(copy, "_SUCCESS")), "the output was committed");
      assertTrue(sageMaker.roleCredentialRequests() > 0, "the container asked the role credentials endpoint");
      // Neither the stand-in's keys nor the user's reached a file of the run: the home or the job's log.
      for (String secret : new String[] {S3StandIn.SECRET_KEY, StandInCredentials.SECRET_KEY}) {
        for (Path dir : new Path[] {home, work.resolve("standin")}) {
          try (var files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(file -> assertFalse(readQuietly(file).contains(secret),
                () -> "a secret key is in " + file));
          }
        }
      }
      String request = sageMaker.calls("CreateTrainingJob").get(0).body().toString();
      assertFalse(request.contains(S3StandIn.SECRET_KEY) || request.contains(StandInCredentials.SECRET_KEY),
          "no key in the job request: " + request);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (Exception e) {
      return "";
    }
  }
}
