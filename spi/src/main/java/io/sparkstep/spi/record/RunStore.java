package io.sparkstep.spi.record;

import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.util.Redactor;
import io.sparkstep.spi.util.SparkstepHome;
import java.util.regex.Pattern;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.util.ExclusiveFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Run records on this machine: {@code <home>/runs/<runId>/} holds {@code record.json}, the submitted
 * {@code spec.json} (secrets redacted) and {@code driver.log}. The CLI's {@code runs} commands read it.
 */
public final class RunStore {
  /** What a run id may be: it names a directory under runs/. */
  public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private final Path runsDir;

  public RunStore(Path home) {
    this.runsDir = home.resolve("runs");
  }

  public static RunStore atDefaultHome() {
    return new RunStore(SparkstepHome.resolve());
  }

  /** The run's directory; an id that is not a safe name is refused, so no id can point outside {@code runs/}. */
  public Path runDir(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches() || runId.contains("..")) {
      throw new InvalidSpecException("runId", "'" + runId + "' is not a run id",
          "list runs with: sparkstep runs list");
    }
    return runsDir.resolve(runId);
  }

  /** Whether a run with this id was ever submitted here. */
  public boolean exists(String runId) {
    return Files.exists(runDir(runId));
  }

  /**
   * Claims the run's directory: atomically, so two submissions with the same id cannot both get it.
   *
   * @throws io.sparkstep.spi.spec.InvalidSpecException when the id is taken
   */
  public void reserve(String runId) {
    Path dir = runDir(runId);
    try {
      Files.createDirectories(runsDir);
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw taken(runId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  public static InvalidSpecException taken(String runId) {
    return new InvalidSpecException("runId", "run id '" + runId + "' is already used",
        "choose another --run-id, or leave it out for a generated one");
  }

  public Path recordFile(String runId) {
    return runDir(runId).resolve("record.json");
  }

  public Path logFile(String runId) {
    return runDir(runId).resolve("driver.log");
  }

  public Path specFile(String runId) {
    return runDir(runId).resolve("spec.json");
  }

  /**
   * Writes the record atomically, so a reader in another process never sees half a file. States only move forward
   * across processes too: a record that another process already stored final is not overwritten with a non-final
   * one (a handle that looked earlier must not undo what a later observer learnt).
   *
   * @return whether the record was written
   */
  public boolean save(RunRecord record) {
    Path file = recordFile(record.runId);
    String json = RunRecordJson.write(record);
    RunState state = record.state;
    return ExclusiveFileLock.holding(file.resolveSibling(".record.lock"), () -> {
      if (state == null || !state.isFinal()) {
        Optional<RunRecord> stored = loadQuietly(record.runId);
        if (stored.isPresent() && stored.get().state != null && stored.get().state.isFinal()) {
          return false;
        }
      }
      writeAtomically(file, json);
      return true;
    });
  }

  private Optional<RunRecord> loadQuietly(String runId) {
    try {
      return load(runId);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stores the spec with secret-looking Spark conf values and operator settings redacted. */
  public void saveSpec(StepSpec spec) {
    StepSpec copy = spec.copy();
    copy.sparkConf = Redactor.redact(copy.sparkConf);
    if (copy.operator != null) {
      copy.operator.settings = Redactor.redact(copy.operator.settings);
    }
    writeAtomically(specFile(spec.runId), Redactor.scrub(StepSpecJson.write(copy)));
  }

  public Optional<RunRecord> load(String runId) {
    Path file = recordFile(runId);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(RunRecordJson.read(Files.readString(file)));
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new InvalidSpecException("runId", "the record of run " + runId + " is unreadable ("
          + file + ")", "delete the run's directory if it is not needed");
    }
  }

  public Optional<StepSpec> loadSpec(String runId) {
    Path file = specFile(runId);
    try {
      return Files.isRegularFile(file) ? Optional.of(StepSpecJson.read(Files.readString(file))) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All records, newest first. */
  public List<RunRecord> list() {
    List<RunRecord> records = new ArrayList<>();
    if (!Files.isDirectory(runsDir)) {
      return records;
    }
    try (Stream<Path> dirs = Files.list(runsDir)) {
      dirs.forEach(dir -> {
        try {
          load(dir.getFileName().toString()).ifPresent(records::add);
        } catch (RuntimeException unreadable) {
          // One broken record must not hide every other run.
          System.err.println("sparkstep: warning: skipped " + dir.getFileName() + ": " + unreadable.getMessage());
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    records.sort(Comparator.comparing((RunRecord r) -> r.submittedAt == null ? java.time.Instant.EPOCH : r.submittedAt)
        .reversed());
    return records;
  }

  private static void writeAtomically(Path target, String content) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
