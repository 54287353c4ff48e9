package io.sparkstep.spi.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarStagingTest {
  @TempDir
  Path tmp;

  @Test
  void localJarsAreCopiedOnceByContentAndRemoteOnesPassThrough() throws IOException {
    Path jar = Files.write(tmp.resolve("steps.jar"), new byte[] {1, 2, 3});
    String staging = tmp.resolve("staging").toUri().toString();
    List<String> uploads = new ArrayList<>();
    JarStaging.Uploader hadoop = JarStaging.hadoop(new Configuration());
    JarStaging.Uploader counting = new JarStaging.Uploader() {
      @Override
      public boolean exists(String location) throws IOException {
        return hadoop.exists(location);
      }

      @Override
      public void upload(Path file, String location) throws IOException {
        uploads.add(location);
        hadoop.upload(file, location);
      }
    };
    List<String> first = JarStaging.stage(List.of(jar.toString(), "s3a://bucket/other.jar"), staging, counting,
        uri -> uri);
    List<String> again = JarStaging.stage(List.of(jar.toString()), staging, counting, uri -> uri);
    assertEquals(1, uploads.size(), "the rerun reuses the staged copy: " + uploads);
    assertEquals(first.get(0), again.get(0));
    assertEquals("s3a://bucket/other.jar", first.get(1));
    assertTrue(first.get(0).endsWith("/jars/" + JarStaging.stagedName(jar)), first.get(0));
    Path staged = tmp.resolve("staging/jars/" + JarStaging.stagedName(jar));
    assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList(Files.readAllBytes(staged)));

    Files.write(jar, new byte[] {4});
    List<String> changed = JarStaging.stage(List.of(jar.toString()), staging, counting, uri -> uri);
    assertNotEquals(first.get(0), changed.get(0), "a changed jar gets a name of its own");
    assertEquals(2, uploads.size());
    assertTrue(Files.exists(staged), "the copy a running job may read stays");
  }

  @Test
  void missingJarsAndLocalJarsWithoutStagingAreRefused() throws IOException {
    Path jar = Files.write(tmp.resolve("steps.jar"), new byte[] {1});
    List<ValidationProblem> problems = JarStaging.check(List.of(tmp.resolve("gone.jar").toString(), jar.toString(),
        "local:///opt/steps.jar"), null, "stagingUri");
    assertEquals(2, problems.size(), problems.toString());
    assertEquals("jars", problems.get(0).field());
    assertTrue(problems.get(0).message().contains("does not exist"), problems.toString());
    assertTrue(problems.get(1).hint().contains("stagingUri"), problems.toString());
    assertTrue(JarStaging.check(List.of(jar.toString()), "gs://b/p", "stagingUri").isEmpty());
  }

  /** A container gets the run's own jars and then its table formats' (Delta's, from this class path), staged alike. */
  @Test
  void aSpecsContainerGetsItsOwnJarsThenItsTableFormatsJars() throws IOException {
    Path jar = Files.write(tmp.resolve("steps.jar"), new byte[] {4});
    StepSpec spec = new StepSpec();
    spec.jars.add(jar.toString());
    spec.outputs.put("out", new ArtifactSpec(tmp.resolve("out").toUri().toString(), "delta", null));
    List<String> shipped = JarStaging.shipped(spec);
    assertEquals(jar.toString(), shipped.get(0), "the user's jars first");
    assertTrue(shipped.stream().anyMatch(name -> Path.of(name).getFileName().toString().startsWith("delta-spark_")),
        shipped.toString());
    assertTrue(JarStaging.check(spec, null, "stagingUri").size() == shipped.size(),
        "each local jar, the table formats' too, needs the staging location");
    List<String> staged = JarStaging.stage(spec, tmp.resolve("staging").toUri().toString(),
        JarStaging.hadoop(new Configuration()), uri -> uri);
    assertEquals(shipped.size(), staged.size());
    for (String location : staged) {
      assertTrue(Files.isRegularFile(Path.of(java.net.URI.create(location))), location);
    }

    spec.outputs.put("out", new ArtifactSpec(tmp.resolve("out").toUri().toString(), "parquet", null));
    assertEquals(List.of(jar.toString()), JarStaging.shipped(spec), "a run without tables ships its own jars only");
  }

  private static List<Byte> toList(byte[] bytes) {
    List<Byte> out = new ArrayList<>();
    for (byte b : bytes) {
      out.add(b);
    }
    return out;
  }
}
