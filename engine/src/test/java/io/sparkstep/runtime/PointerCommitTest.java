package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pointer commit's protocol, on the local file system told to commit as on an object store
 * ({@code sparkstep.commit.style=pointer}): what a resolving reader sees before, during (the driver held at a named
 * moment by the test hook) and after a commit of two outputs, and what the next run cleans up. The store-specific
 * parts (conditional writes, a killed driver, throttling) are checked against the S3 stand-in in storage-tests.
 */
class PointerCommitTest {
  @TempDir
  Path tmp;

  private Configuration pointerConf() {
    Configuration conf = new Configuration();
    conf.set(PointerCommit.STYLE, "pointer");
    return conf;
  }

  private Map<String, ArtifactSpec> outputs() {
    Map<String, ArtifactSpec> outputs = new LinkedHashMap<>();
    for (String name : List.of("trips", "zones")) {
      outputs.put(name, new ArtifactSpec(uri(name), null, "overwrite"));
    }
    return outputs;
  }

  private String uri(String name) {
    return tmp.resolve(name).toUri().toString();
  }

  /** One run writing both outputs, each a single file holding {@code content}. */
  private OutputCommitter write(Configuration conf, String runId, String content) throws IOException {
    OutputCommitter committer = new OutputCommitter(conf, runId, outputs());
    for (String name : List.of("trips", "zones")) {
      Path location = Path.of(committer.stage(name).toUri());
      Files.createDirectories(location);
      Files.writeString(location.resolve("part-0"), name + " " + content);
    }
    return committer;
  }

  private String read(String name) throws IOException {
    CommittedLocation.Resolved resolved = CommittedLocation.resolve(new Configuration(), uri(name));
    return Files.readString(Path.of(java.net.URI.create(resolved.location())).resolve("part-0"));
  }

  @Test
  void bothOutputsSwitchAtTheCommitRecordAndTheReplacedDataGoes() throws Exception {
    OutputCommitter first = write(pointerConf(), "r1", "v1");
    first.commit();
    assertEquals("trips v1", read("trips"));
    CommittedLocation.Resolved resolved = CommittedLocation.resolve(new Configuration(), uri("zones"));
    assertEquals("r1", resolved.commitId());
    assertEquals(first.committedPath("zones").toString(), resolved.location());
    try (var entries = Files.list(tmp.resolve("trips"))) {
      assertEquals(List.of("_sparkstep"), entries.map(p -> p.getFileName().toString()).toList(),
          "the URI holds only the hidden directory: nothing was renamed or copied onto it");
    }

    Configuration held = pointerConf();
    Path hold = tmp.resolve("hold");
    held.set(CommitMoment.HOLD_AT, "pointer-written");
    held.set(CommitMoment.HOLD_DIR, hold.toString());
    OutputCommitter second = write(held, "r2", "v2");
    CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
      try {
        second.commit();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    awaitFile(hold.resolve("pointer-written.reached"), commit);
    assertEquals("r2", CommittedLocation.readPointer(FileSystem.getLocal(new Configuration()),
        new org.apache.hadoop.fs.Path(uri("trips"))).orElseThrow().run(), "held after the first pointer");
    assertEquals("trips v1", read("trips"), "a pointer without its commit record resolves to what it replaced");
    assertEquals("zones v1", read("zones"));
    Files.writeString(hold.resolve("pointer-written.release"), "");
    commit.get(60, TimeUnit.SECONDS);

    assertEquals("trips v2", read("trips"));
    assertEquals("zones v2", read("zones"));
    assertFalse(Files.exists(tmp.resolve("trips/_sparkstep/runs/r1")), "the replaced run's data is deleted");
    assertTrue(Files.exists(tmp.resolve("trips/_sparkstep/commits/r1.json")),
        "commit records stay: another output may still resolve through one");
  }

  @Test
  void aRunThatDiesBeforeItsCommitRecordLeavesTheOldOutputsAndTheNextRunRemovesItsData() throws Exception {
    write(pointerConf(), "r1", "v1").commit();
    // What a driver killed between its pointers and its commit record leaves: its data, pointers naming it, no
    // commit record; its owner markers name a process that is gone (here: none, as after its cleanup began).
    FileSystem fs = FileSystem.getLocal(new Configuration());
    for (String name : List.of("trips", "zones")) {
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri(name));
      Path dead = Path.of(CommittedLocation.runLocation(target, "dead").toUri());
      Files.createDirectories(dead);
      Files.writeString(dead.resolve("part-0"), name + " half");
      byte[] pointer = CommittedLocation.json(new CommittedLocation.Pointer("dead",
          CommittedLocation.runLocation(target, "dead").toString(), "r1",
          CommittedLocation.runLocation(target, "r1").toString(),
          CommittedLocation.commitRecordPath(new org.apache.hadoop.fs.Path(uri("trips")), "dead").toString()));
      try (var out = fs.create(CommittedLocation.pointerPath(target), true)) {
        out.write(pointer);
      }
    }
    assertEquals("trips v1", read("trips"));
    assertEquals("zones v1", read("zones"));

    write(pointerConf(), "r3", "v3").commit();
    assertEquals("trips v3", read("trips"));
    assertEquals("zones v3", read("zones"));
    for (String run : List.of("dead", "r1")) {
      assertFalse(Files.exists(tmp.resolve("trips/_sparkstep/runs/" + run)), run + "'s data is gone");
    }
    try (var markers = Files.list(tmp)) {
      assertTrue(markers.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no owner marker left");
    }
  }

  @Test
  void dataARenameCommitLeftAtTheUriIsReplacedAndNewOutputsRefuseAConcurrentWriter() throws Exception {
    Files.createDirectories(tmp.resolve("trips"));
    Files.writeString(tmp.resolve("trips/part-0"), "trips renamed");
    Files.createDirectories(tmp.resolve("zones"));
    Files.writeString(tmp.resolve("zones/part-0"), "zones renamed");
    assertEquals("trips renamed", read("trips"), "no pointer: the URI is its own location");

    OutputCommitter slow = write(pointerConf(), "slow", "slow");
    write(pointerConf(), "fast", "fast").commit();
    assertFalse(Files.exists(tmp.resolve("trips/part-0")), "the renamed data is replaced");
    assertEquals("trips fast", read("trips"));
    IOException lost = assertThrows(IOException.class, slow::commit);
    assertTrue(lost.getMessage().contains("committed by another run (fast)"), lost.getMessage());
    assertEquals("trips fast", read("trips"), "the later committer wins, the earlier one fails and commits nothing");
    assertFalse(Files.exists(tmp.resolve("trips/_sparkstep/runs/slow")));
  }

  @Test
  void inputsResolveToTheCommittedRunAndAnUncommittedOutputIsRefused() throws Exception {
    write(pointerConf(), "r1", "v1").commit();
    StepSpec spec = new StepSpec();
    spec.inputs.put("trips", ArtifactSpec.ofUri(uri("trips")));
    spec.inputs.put("plain", ArtifactSpec.ofUri(tmp.resolve("plain").toUri().toString()));
    StepSpec resolved = CommittedInputs.resolve(spec, new Configuration());
    assertTrue(resolved.inputs.get("trips").uri.endsWith("/trips/_sparkstep/runs/r1"), resolved.inputs.get("trips").uri);
    assertEquals(spec.inputs.get("plain").uri, resolved.inputs.get("plain").uri);
    assertEquals(uri("trips"), spec.inputs.get("trips").uri, "the caller's spec is left as it was");

    OutputCommitter neverCommitted = new OutputCommitter(pointerConf(), "first", Map.of("fresh",
        new ArtifactSpec(uri("fresh"), null, null)));
    Files.createDirectories(Path.of(neverCommitted.stage("fresh").toUri()));
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path fresh = new org.apache.hadoop.fs.Path(uri("fresh"));
    try (var out = fs.create(CommittedLocation.pointerPath(fresh), true)) {
      out.write(CommittedLocation.json(new CommittedLocation.Pointer("first",
          CommittedLocation.runLocation(fresh, "first").toString(), null, null,
          CommittedLocation.commitRecordPath(fresh, "first").toString())));
    }
    assertNull(CommittedLocation.resolve(new Configuration(), uri("fresh")).location());
    spec.inputs.put("fresh", ArtifactSpec.ofUri(uri("fresh")));
    InvalidSpecException refused = assertThrows(InvalidSpecException.class,
        () -> CommittedInputs.resolve(spec, new Configuration()));
    assertTrue(refused.getMessage().contains("inputs.fresh.uri"), refused.getMessage());
    neverCommitted.abort();
  }

  @Test
  void whatAFailedFirstRunLeftDoesNotCountAsAnExistingOutput() throws IOException {
    Map<String, ArtifactSpec> fresh = Map.of("fresh", new ArtifactSpec(uri("fresh"), null, null));
    OutputCommitter failed = new OutputCommitter(pointerConf(), "failed", fresh);
    Files.createDirectories(Path.of(failed.stage("fresh").toUri()));
    failed.abort();
    assertTrue(Files.isDirectory(tmp.resolve("fresh/_sparkstep")), "only the hidden directory is left");
    new OutputCommitter(pointerConf(), "next", fresh).checkTargets(); // no "output already exists"

    write(pointerConf(), "r1", "v1").commit();
    OutputCommitter refused = new OutputCommitter(pointerConf(), "r2",
        Map.of("trips", new ArtifactSpec(uri("trips"), null, null)));
    assertThrows(InvalidSpecException.class, refused::checkTargets, "a committed output needs overwrite");
  }

  @Test
  void theLocalFileSystemRenamesUnlessToldOtherwise() throws IOException {
    Configuration auto = new Configuration();
    FileSystem local = FileSystem.getLocal(auto);
    assertFalse(PointerCommit.applies(auto, local, new org.apache.hadoop.fs.Path(uri("a"))), "file: renames");
    assertTrue(PointerCommit.applies(pointerConf(), local, new org.apache.hadoop.fs.Path(uri("a"))));
  }

  private static void awaitFile(Path file, CompletableFuture<?> work) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file)) {
      if (work.isDone()) {
        work.get(); // surfaces the commit's failure
        throw new AssertionError("the commit ended without reaching " + file.getFileName());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear");
      }
      Thread.sleep(20);
    }
  }
}
