package io.sparkstep.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.util.ExclusiveFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pipeline runs on this machine, beside the step runs of {@link io.sparkstep.spi.record.RunStore}:
 * {@code <home>/pipelines/<id>/} holds {@code pipeline.json} (the pipeline as it was submitted), {@code run.json}
 * (its {@link PipelineRunRecord}) and, for a detached run, {@code driver.log}. Every change is a read-modify-write
 * under a file lock, so the driver's updates and another process's cancel request never undo each other.
 */
public final class PipelineRunStore {
  private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
  private final Path dir;

  public PipelineRunStore(Path home) {
    this.dir = home.resolve("pipelines");
  }

  public Path runDir(String id) {
    if (id == null || !RunStore.RUN_ID.matcher(id).matches() || id.contains("..")) {
      throw new InvalidSpecException("run", "'" + id + "' is not a pipeline run id",
          "list pipeline runs with: sparkstep pipeline list");
    }
    return dir.resolve(id);
  }

  public Path logFile(String id) {
    return runDir(id).resolve("driver.log");
  }

  /** Claims the run's directory atomically and stores the pipeline and the run's first record. */
  public void create(PipelineRunRecord record, Pipeline pipeline) {
    Path runDir = runDir(record.id);
    try {
      Files.createDirectories(dir);
      Files.createDirectory(runDir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new InvalidSpecException("run", "pipeline run id '" + record.id + "' is already used", "submit again");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + runDir + ": " + e.getMessage(), e);
    }
    write(runDir.resolve("pipeline.json"), PipelineFile.writeJson(pipeline));
    update(record.id, stored -> { }, record);
  }

  public Pipeline pipeline(String id) {
    try {
      return PipelineFile.read(Files.readString(runDir(id).resolve("pipeline.json")), "pipeline run " + id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run's record; an unknown id is bad input. */
  public PipelineRunRecord load(String id) {
    Path file = runDir(id).resolve("run.json");
    if (!Files.isRegularFile(file)) {
      throw new InvalidSpecException("run", "no pipeline run with id " + id,
          "list pipeline runs with: sparkstep pipeline list");
    }
    try {
      return MAPPER.readValue(Files.readString(file), PipelineRunRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Applies {@code change} to the stored record under the run's lock and stores it; returns what was stored. */
  public PipelineRunRecord update(String id, Consumer<PipelineRunRecord> change) {
    return update(id, change, null);
  }

  private PipelineRunRecord update(String id, Consumer<PipelineRunRecord> change, PipelineRunRecord initial) {
    Path runDir = runDir(id);
    // The one lock of the engine's stores: in-JVM threads (the executor's and a listener's) and other processes alike.
    try (ExclusiveFileLock ignored = ExclusiveFileLock.acquire(runDir.resolve(".run.lock"))) {
      PipelineRunRecord record = initial != null ? initial : load(id);
      change.accept(record);
      write(runDir.resolve("run.json"), MAPPER.writeValueAsString(record));
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update pipeline run " + id + ": " + e.getMessage(), e);
    }
  }

  /** All pipeline runs, newest first. */
  public List<PipelineRunRecord> list() {
    List<PipelineRunRecord> records = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return records;
    }
    try (Stream<Path> runs = Files.list(dir)) {
      runs.forEach(run -> {
        try {
          records.add(load(run.getFileName().toString()));
        } catch (RuntimeException unreadable) {
          System.err.println("sparkstep: warning: skipped " + run.getFileName() + ": " + unreadable.getMessage());
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    records.sort(Comparator.comparing((PipelineRunRecord r) -> r.submittedAt == null ? java.time.Instant.EPOCH
        : r.submittedAt).reversed());
    return records;
  }

  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path target, String content) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
