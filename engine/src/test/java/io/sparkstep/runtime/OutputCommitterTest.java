package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
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

  private Path staging(String output, String runId) {
    return tmp.resolve("." + output + ".sparkstep-staging-" + runId);
  }

  private Path marker(String output, String runId) {
    return tmp.resolve("." + output + ".sparkstep-owner-" + runId);
  }

  @Test
  void aLiveRunsStagingIsKeptByTheNextRun() throws IOException {
    OutputCommitter live = new OutputCommitter(new Configuration(), "live", Map.of("a", out("a", "overwrite")));
    Path liveStaging = Path.of(live.stage("a").toUri());
    Files.createDirectories(liveStaging);
    Files.writeString(liveStaging.resolve("part-0"), "being written");
    assertTrue(Files.isRegularFile(marker("a", "live")), "the writing run says it owns its staging");

    OutputCommitter next = new OutputCommitter(new Configuration(), "next", Map.of("a", out("a", "overwrite")));
    next.stage("a");
    assertTrue(Files.isRegularFile(liveStaging.resolve("part-0")), "a live run's staging is never removed");
    next.abort();
    live.abort();
    assertFalse(Files.exists(marker("a", "live")), "abort removes the owner marker");
  }

  @Test
  void staleStagingOfAnOwnerElsewhereGoesOnceItsHeartbeatStopped() throws IOException {
    // An owner in another pid space (another machine or container) can only be judged by its heartbeat.
    for (String run : new String[] {"beating", "silent"}) {
      Files.createDirectories(staging("a", run));
      Files.writeString(marker("a", run), "runId=" + run + "\npid=1\npidSpace=other-host/boot/pid:[1]\n");
    }
    Files.setLastModifiedTime(marker("a", "silent"), java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() - StagingOwner.STALE_AFTER.toMillis() - 60_000));
    OutputCommitter next = new OutputCommitter(new Configuration(), "next", Map.of("a", out("a", null)));
    next.stage("a");
    next.abort();
    assertTrue(Files.isDirectory(staging("a", "beating")), "a beating owner keeps its staging");
    assertFalse(Files.exists(staging("a", "silent")), "a silent owner's staging goes");
    assertFalse(Files.exists(marker("a", "silent")), "and its marker with it");
  }

  @Test
  void stagingOfADeadProcessOnThisMachineGoesAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.createDirectories(staging("a", "dead"));
    Files.writeString(marker("a", "dead"), "runId=dead\npid=" + gone.pid() + "\npidSpace="
        + StagingOwner.pidSpace() + "\n");
    // a reused pid is not the owner: this JVM's pid with another start time
    Files.createDirectories(staging("a", "reused"));
    Files.writeString(marker("a", "reused"), "runId=reused\npid=" + ProcessHandle.current().pid()
        + "\npidStartedAt=2001-01-01T00:00:00Z\npidSpace=" + StagingOwner.pidSpace() + "\n");
    OutputCommitter next = new OutputCommitter(new Configuration(), "next", Map.of("a", out("a", null)));
    next.stage("a");
    next.abort();
    assertFalse(Files.exists(staging("a", "dead")), "the marker was seconds old, the process is gone");
    assertFalse(Files.exists(staging("a", "reused")), "the pid now names another process");
  }

  @Test
  void unmarkedStagingGoesOnlyWhenOld() throws IOException {
    Files.createDirectories(staging("a", "old"));
    Files.createDirectories(staging("a", "recent"));
    Files.setLastModifiedTime(staging("a", "old"), java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() - StagingOwner.UNMARKED_STALE_AFTER.toMillis() - 60_000));
    OutputCommitter next = new OutputCommitter(new Configuration(), "next", Map.of("a", out("a", null)));
    next.stage("a");
    next.abort();
    assertFalse(Files.exists(staging("a", "old")));
    assertTrue(Files.isDirectory(staging("a", "recent")), "no marker and recently written: maybe alive");
  }
}
