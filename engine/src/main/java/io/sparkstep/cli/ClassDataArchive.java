package io.sparkstep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CLI's half of bin/sparkstep's class-data sharing archive. The JVM of a first {@code run} saves the classes it
 * loaded when it exits; the launcher keeps that archive only when this JVM says the run it saved for succeeded, because
 * a run refused as bad input or failing early loads a fraction of a run's classes and would make a poor archive for
 * every later command.
 */
final class ClassDataArchive {
  /** Set by bin/sparkstep on the JVM that saves an archive: the file that marks the archive as worth keeping. */
  static final String MARKER_PROPERTY = "sparkstep.cds.marker";

  private ClassDataArchive() {
  }

  /** Called when a foreground run ended SUCCEEDED. */
  static void runSucceeded() {
    String marker = System.getProperty(MARKER_PROPERTY);
    if (marker == null || marker.isBlank()) {
      return;
    }
    try {
      Files.writeString(Path.of(marker), "");
    } catch (IOException | RuntimeException e) {
      // no marker, no archive: later commands start as they do without one
    }
  }
}
