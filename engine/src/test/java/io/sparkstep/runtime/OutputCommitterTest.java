package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spec.ArtifactSpec;
import io.sparkstep.spec.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs appear all together or not at all; an overwritten output is restored if the commit fails midway. */
class OutputCommitterTest {
  @TempDir
  Path tmp;

  private ArtifactSpec out(String name, String mode) {
    return new ArtifactSpec(tmp.resolve(name).toUri().toString(), null, mode);
  }

  @Test
  void refusesExistingOutputWithoutOverwrite() throws IOException {
    Files.createDirectories(tmp.resolve("a"));
    OutputCommitter committer = new OutputCommitter(new Configuration(), "r1", Map.of("a", out("a", null)));
    assertThrows(InvalidSpecException.class, committer::checkTargets);
  }

  @Test
  void failedCommitRestoresEveryOutput() throws IOException {
    Files.createDirectories(tmp.resolve("a"));
    Files.writeString(tmp.resolve("a/old.txt"), "old a");
    Map<String, ArtifactSpec> outputs = new LinkedHashMap<>();
    outputs.put("a", out("a", "overwrite"));
    outputs.put("b", out("b", null));
    OutputCommitter committer = new OutputCommitter(new Configuration(), "r2", outputs);
    Files.createDirectories(Path.of(committer.stage("a").toUri()));
    Files.writeString(Path.of(committer.stage("b").toUri()), "new b");
    // Another writer creates b while the step runs: b's mode refuses it, so the whole commit must roll back.
    Files.createDirectories(tmp.resolve("b"));
    assertThrows(IOException.class, committer::commit);
    assertEquals("old a", Files.readString(tmp.resolve("a/old.txt")), "a was put back");
    try (var left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no staging or aside dirs left");
    }
  }

  @Test
  void successfulCommitReplacesAndCleansUp() throws IOException {
    Files.createDirectories(tmp.resolve("a"));
    Files.writeString(tmp.resolve("a/old.txt"), "old");
    OutputCommitter committer = new OutputCommitter(new Configuration(), "r3", Map.of("a", out("a", "overwrite")));
    Path staging = Path.of(committer.stage("a").toUri());
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("new.txt"), "new");
    committer.commit();
    assertFalse(Files.exists(tmp.resolve("a/old.txt")));
    assertEquals("new", Files.readString(tmp.resolve("a/new.txt")));
    try (var left = Files.list(tmp)) {
      assertEquals(1, left.count());
    }
  }
}
