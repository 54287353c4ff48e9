package io.sparkstep.runtime;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling of the entrypoint's JVM, installed as the very first thing {@code main} does, before
 * the spec is read and before any Spark or Hadoop class loads. A JVM shutdown hook (what the entrypoint relied on
 * before) only runs while the JVM is already dying: too late to load Hadoop's file systems (their cache refuses new
 * shutdown hooks then), so a signal a second after start left no record and the run counted as FAILED. Here the
 * signal only asks the run to stop and the JVM keeps going: the main thread writes the CANCELLED record (the spec
 * not read yet: as soon as it is) and exits 4. A signal that comes before the run listens is kept for it. A second
 * signal ends the JVM the usual way (exit 128+n), for a run that does not stop.
 */
final class EntrypointSignals {
  private static volatile boolean installed;
  private static volatile boolean signalled;
  private static volatile boolean pending;
  private static volatile Runnable listener;

  private EntrypointSignals() {
  }

  /** Installs the handlers; false where the JVM does not allow it (-Xrs, a platform without the signal). */
  static synchronized boolean install() {
    if (installed) {
      return true;
    }
    boolean any = false;
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), EntrypointSignals::signalled);
        any = true;
      } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
        // not handled here: the JVM's own handling (and the entrypoint's shutdown hook) remain
      }
    }
    installed = any;
    return any;
  }

  static boolean installed() {
    return installed;
  }

  private static void signalled(Signal signal) {
    if (signalled) {
      System.exit(128 + signal.getNumber());
      return;
    }
    signalled = true;
    Runnable current = listener;
    if (current == null) {
      pending = true;
      return;
    }
    start(current);
  }

  /** The run to tell of a signal; one that came before is handed over now, on this thread, before this returns. */
  static synchronized void listen(Runnable onSignal) {
    listener = onSignal;
    if (pending) {
      pending = false;
      onSignal.run();
    }
  }

  static synchronized void stopListening() {
    listener = null;
  }

  private static void start(Runnable onSignal) {
    // Off the signal thread: stopping Spark's jobs may take a moment.
    Thread thread = new Thread(onSignal, "sparkstep-cancel-on-signal");
    thread.setDaemon(true);
    thread.start();
  }
}
