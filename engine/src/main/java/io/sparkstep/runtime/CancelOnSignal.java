package io.sparkstep.runtime;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The one SIGINT/SIGTERM handler of a Sparkstep JVM, for the entrypoint's driver and the CLI following a run alike:
 * the first signal only asks the run to stop (the JVM keeps going, so the run's own thread records CANCELLED and the
 * process exits 4), a second one ends the JVM the usual way (exit 128+n) for a run that does not stop.
 *
 * <p>Installed as early as possible: a JVM shutdown hook only runs while the JVM is already dying, too late to load
 * Hadoop's file systems (their cache refuses new shutdown hooks then), so a signal a second after start would leave
 * no record. A signal that comes before anyone {@link #listen listens} is kept and handed over. Where the JVM does not
 * let us handle signals (-Xrs, a platform without them), {@link #alsoOnExit} is the fallback. {@link #close()} puts
 * the previous handlers back.
 */
public final class CancelOnSignal implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile boolean signalled;
  private volatile boolean pending;
  private Runnable listener;
  private Thread exitHook;

  private CancelOnSignal() {
  }

  /** Handles SIGINT and SIGTERM from now on. */
  public static CancelOnSignal install() {
    CancelOnSignal installed = new CancelOnSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal signal = new Signal(name);
        SignalHandler before = Signal.handle(signal, installed::handle);
        installed.signals.add(signal);
        installed.previous.add(before);
      } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
        // not ours to handle on this JVM: alsoOnExit cancels instead
      }
    }
    return installed;
  }

  /** Whether a signal reaches {@link #listen}'s action; false where the JVM keeps signals to itself. */
  public boolean handlesSignals() {
    return !signals.isEmpty();
  }

  /**
   * The action of the first signal, run off the signal thread (stopping a run may wait on Spark or a platform); a
   * signal that came before is handed over now, on this thread, before this returns.
   */
  public void listen(Runnable cancel) {
    boolean handOver;
    synchronized (this) {
      listener = cancel;
      handOver = pending;
      pending = false;
    }
    if (handOver) {
      cancel.run();
    }
  }

  /**
   * Also runs {@code cancel} when the JVM shuts down some other way (SIGHUP, {@code System.exit} elsewhere, signals
   * this JVM does not let us handle), until {@link #close()}.
   */
  public synchronized void alsoOnExit(Runnable cancel) {
    if (exitHook == null) {
      exitHook = new Thread(cancel, "sparkstep-cancel-on-exit");
      Runtime.getRuntime().addShutdownHook(exitHook);
    }
  }

  private void handle(Signal signal) {
    if (signalled) {
      SignalHandler before = previousHandler(signal);
      if (before != null && before != SignalHandler.SIG_DFL && before != SignalHandler.SIG_IGN) {
        before.handle(signal);
      } else {
        System.exit(128 + signal.getNumber());
      }
      return;
    }
    signalled = true;
    Runnable current;
    synchronized (this) {
      current = listener;
      if (current == null) {
        pending = true;
        return;
      }
    }
    Thread thread = new Thread(current, "sparkstep-cancel-on-signal");
    thread.setDaemon(true);
    thread.start();
  }

  private SignalHandler previousHandler(Signal signal) {
    for (int i = 0; i < signals.size(); i++) {
      if (signals.get(i).getNumber() == signal.getNumber()) {
        return previous.get(i);
      }
    }
    return null;
  }

  /** Stops listening: the previous handlers come back and the exit fallback goes. */
  @Override
  public synchronized void close() {
    listener = null;
    for (int i = 0; i < signals.size(); i++) {
      try {
        Signal.handle(signals.get(i), previous.get(i));
      } catch (IllegalArgumentException ignored) {
        // nothing to restore
      }
    }
    signals.clear();
    previous.clear();
    if (exitHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException shuttingDown) {
        // already in shutdown: the hook is what runs now
      }
      exitHook = null;
    }
  }
}
