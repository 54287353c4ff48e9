package io.sparkstep.spi.remote;

import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.util.Redactor;
import io.sparkstep.spi.util.ExclusiveFileLock;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Copies a platform's log of a run (a pod log, CloudWatch streams, Cloud Logging entries, an Azure ML log file) into
 * the run's local log file, the one {@code runs logs} reads. Every flavor copies through this one class:
 *
 * <ul>
 *   <li>where the copy stands (a line count, page tokens, a timestamp: whatever the platform pages by) is a cursor
 *       persisted next to the log, read and advanced under one lock, so however many processes copy one run's log at
 *       once, each line is copied exactly once;
 *   <li>every line is scrubbed of the operator's secret values here, in one place, before it reaches a file;
 *   <li>a source that fails leaves the log and cursor as they were and says so to the caller; the next copy resumes.
 * </ul>
 */
public final class RunLogAppender {
  /** How long a copier waits for another one to finish before it leaves the copy to that one. */
  private static final Duration WAIT_FOR_OTHER_COPIER = Duration.ofSeconds(30);

  private final Path logFile;
  private final Path cursorFile;
  private final Path lockFile;
  private final List<String> secretValues;

  public RunLogAppender(Path logFile, List<String> secretValues) {
    this.logFile = logFile;
    this.cursorFile = logFile.resolveSibling("." + logFile.getFileName() + ".cursor");
    this.lockFile = logFile.resolveSibling("." + logFile.getFileName() + ".lock");
    this.secretValues = List.copyOf(secretValues);
  }

  /** The appender of a run's log file, scrubbing the run's operator secrets. */
  public static RunLogAppender of(RunContext context) {
    return new RunLogAppender(context.logFile(), context.operator() == null ? List.of()
        : context.operator().secretValues());
  }

  /** What a platform has beyond a cursor: the next lines, and the cursor after them. */
  public record Page(List<String> lines, Map<String, String> cursor) {
    public static Page of(List<String> lines, Map<String, String> cursor) {
      return new Page(lines, cursor);
    }
  }

  /** Reads a platform's log from a cursor (empty at first). */
  @FunctionalInterface
  public interface LogSource {
    /** Lines after {@code cursor}, or an empty page when there are none yet. */
    Page after(Map<String, String> cursor) throws Exception;
  }

  /**
   * Copies pages from {@code source} until it has no more lines.
   *
   * @return how many lines this call appended
   * @throws LogCopyException when the source fails (what was copied before stays copied)
   */
  public int copy(LogSource source) {
    try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(ensureDir(lockFile), WAIT_FOR_OTHER_COPIER)) {
      if (lock == null) {
        return 0; // another copier is at it; it copies these lines
      }
      int appended = 0;
      Map<String, String> cursor = readCursor();
      while (true) {
        Page page;
        try {
          page = source.after(Map.copyOf(cursor));
        } catch (Exception e) {
          throw new LogCopyException("cannot read the platform's log: " + e.getMessage(), e);
        }
        if (page == null || page.lines().isEmpty()) {
          if (page != null && !page.cursor().equals(cursor)) {
            cursor = new LinkedHashMap<>(page.cursor());
            writeCursor(cursor);
          }
          return appended;
        }
        append(page.lines());
        appended += page.lines().size();
        if (page.cursor().equals(cursor)) {
          return appended; // a source that does not move its cursor has given all it has
        }
        cursor = new LinkedHashMap<>(page.cursor());
        writeCursor(cursor);
      }
    } catch (IOException e) {
      throw new LogCopyException("cannot write the run's log " + logFile + ": " + e.getMessage(), e);
    }
  }

  /** Appends lines the engine itself writes about the run (not copied from the platform), scrubbed too. */
  public void note(String line) {
    try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(ensureDir(lockFile), WAIT_FOR_OTHER_COPIER)) {
      append(List.of(line));
    } catch (IOException e) {
      throw new LogCopyException("cannot write the run's log " + logFile + ": " + e.getMessage(), e);
    }
  }

  private void append(List<String> lines) throws IOException {
    try (Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      for (String line : lines) {
        out.write(scrub(line));
        out.write('\n');
      }
    }
  }

  /** The one place copied log text is scrubbed of secret values. */
  private String scrub(String line) {
    // The operator's secrets and every value registered for runs of this JVM (RunSecrets), whichever is set.
    return Redactor.scrub(line, secretValues);
  }

  private Map<String, String> readCursor() throws IOException {
    Map<String, String> cursor = new TreeMap<>();
    if (Files.isRegularFile(cursorFile)) {
      Properties stored = new Properties();
      try (Reader in = Files.newBufferedReader(cursorFile, StandardCharsets.UTF_8)) {
        stored.load(in);
      }
      stored.forEach((k, v) -> cursor.put(k.toString(), v.toString()));
    }
    return cursor;
  }

  private void writeCursor(Map<String, String> cursor) throws IOException {
    Properties stored = new Properties();
    stored.putAll(cursor);
    Path tmp = Files.createTempFile(cursorFile.getParent(), cursorFile.getFileName().toString(), ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      stored.store(out, null);
    }
    Files.move(tmp, cursorFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Path ensureDir(Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The copy failed: the platform's log could not be read or the local log not written. */
  public static final class LogCopyException extends RuntimeException {
    public LogCopyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A source over a log the platform serves whole (a pod log): the cursor counts the complete lines copied. */
  public static LogSource wholeLog(WholeLog log, boolean includePartialLastLine) {
    return cursor -> {
      String text = log.read();
      if (text == null) {
        return Page.of(List.of(), cursor);
      }
      long copied = Long.parseLong(cursor.getOrDefault("lines", "0"));
      List<String> lines = new java.util.ArrayList<>(List.of(text.split("\n", -1)));
      String last = lines.remove(lines.size() - 1); // after the last newline: a line still being written, or ""
      if (includePartialLastLine && !last.isEmpty()) {
        lines.add(last);
      }
      if (copied >= lines.size()) {
        return Page.of(List.of(), cursor);
      }
      List<String> fresh = lines.subList((int) copied, lines.size());
      return Page.of(List.copyOf(fresh), Map.of("lines", Long.toString(lines.size())));
    };
  }

  /** The whole current text of a platform's log, or null when there is none yet. */
  @FunctionalInterface
  public interface WholeLog {
    String read() throws Exception;
  }
}
