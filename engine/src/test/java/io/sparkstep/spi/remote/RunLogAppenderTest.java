package io.sparkstep.spi.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.remote.RunLogAppender.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one log copier: each line once across calls, secrets scrubbed, a failing source leaves what was copied. */
class RunLogAppenderTest {
  @TempDir
  Path tmp;

  /** A platform log served in pages of two lines, paged by an offset. */
  private static RunLogAppender.LogSource pagesOf(List<String> lines) {
    return cursor -> {
      int from = Integer.parseInt(cursor.getOrDefault("offset", "0"));
      int to = Math.min(lines.size(), from + 2);
      return Page.of(List.copyOf(lines.subList(from, to)), Map.of("offset", Integer.toString(to)));
    };
  }

  private List<String> logLines(Path log) throws IOException {
    return Files.readAllLines(log);
  }

  @Test
  void copiesEveryPageOnceAcrossCallsAndAppendersOfOneLog() throws Exception {
    Path log = tmp.resolve("run/log.txt");
    List<String> platform = new ArrayList<>(List.of("a", "b", "c"));
    assertEquals(3, new RunLogAppender(log, List.of()).copy(pagesOf(platform)));
    platform.addAll(List.of("d", "e"));
    // Another process's appender of the same log resumes from the persisted cursor.
    assertEquals(2, new RunLogAppender(log, List.of()).copy(pagesOf(platform)));
    assertEquals(0, new RunLogAppender(log, List.of()).copy(pagesOf(platform)));
    assertEquals(List.of("a", "b", "c", "d", "e"), logLines(log));
  }

  @Test
  void scrubsSecretValuesFromCopiedLinesAndNotes() throws Exception {
    Path log = tmp.resolve("log.txt");
    RunLogAppender appender = new RunLogAppender(log, List.of("hunter2-secret"));
    appender.copy(pagesOf(List.of("password=hunter2-secret", "plain")));
    appender.note("engine says hunter2-secret");
    String text = Files.readString(log);
    assertFalse(text.contains("hunter2-secret"), text);
    assertEquals(3, logLines(log).size());
    assertTrue(logLines(log).get(1).equals("plain"), text);
  }

  @Test
  void aFailingSourceKeepsWhatWasCopiedAndTheNextCopyResumes() throws Exception {
    Path log = tmp.resolve("log.txt");
    List<String> platform = List.of("1", "2", "3", "4");
    RunLogAppender.LogSource failsAfterFirstPage = cursor -> {
      if (!cursor.isEmpty()) {
        throw new IOException("platform down");
      }
      return pagesOf(platform).after(cursor);
    };
    RunLogAppender appender = new RunLogAppender(log, List.of());
    RunLogAppender.LogCopyException failure = assertThrows(RunLogAppender.LogCopyException.class,
        () -> appender.copy(failsAfterFirstPage));
    assertTrue(failure.getMessage().contains("platform down"), failure.getMessage());
    assertEquals(List.of("1", "2"), logLines(log));
    assertEquals(2, appender.copy(pagesOf(platform)));
    assertEquals(platform, logLines(log));
  }

  @Test
  void wholeLogCopiesCompleteLinesAndThePartialLastOneOnlyWhenAsked() throws Exception {
    Path log = tmp.resolve("log.txt");
    String[] served = {"one\ntwo\nthr"};
    RunLogAppender appender = new RunLogAppender(log, List.of());
    assertEquals(2, appender.copy(RunLogAppender.wholeLog(() -> served[0], false)));
    served[0] = "one\ntwo\nthree\nfour\n";
    assertEquals(2, appender.copy(RunLogAppender.wholeLog(() -> served[0], false)));
    assertEquals(List.of("one", "two", "three", "four"), logLines(log));
    assertEquals(0, appender.copy(RunLogAppender.wholeLog(() -> null, true)), "no log yet: nothing copied");
  }
}
