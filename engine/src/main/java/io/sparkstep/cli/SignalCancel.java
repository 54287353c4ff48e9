package io.sparkstep.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a foreground run is followed, SIGINT (Ctrl-C) and SIGTERM cancel it instead of ending the JVM: the run
 * stops, its record says CANCELLED and the CLI exits 4 without a trace. A second signal while cancelling ends the
 * JVM the usual way. The previous handlers come back on {@link #close()}.
 */
final class SignalCancel implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile boolean signalled;

  private SignalCancel() {
  }

  static SignalCancel install(Runnable cancel) {
    SignalCancel installed = new SignalCancel();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal signal = new Signal(name);
        SignalHandler[] before = new SignalHandler[1];
        before[0] = Signal.handle(signal, s -> {
          if (installed.signalled) {
            if (before[0] != null && before[0] != SignalHandler.SIG_DFL && before[0] != SignalHandler.SIG_IGN) {
              before[0].handle(s);
            } else {
              System.exit(128 + s.getNumber());
            }
            return;
          }
          installed.signalled = true;
          // Off the signal thread: cancelling may wait on the platform.
          Thread thread = new Thread(cancel, "sparkstep-cancel-on-signal");
          thread.setDaemon(true);
          thread.start();
        });
        installed.signals.add(signal);
        installed.previous.add(before[0]);
      } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
        // this platform or JVM (-Xrs) does not let us handle it: the shutdown hook cancels instead
      }
    }
    return installed;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      try {
        Signal.handle(signals.get(i), previous.get(i));
      } catch (IllegalArgumentException ignored) {
        // nothing to restore
      }
    }
    signals.clear();
    previous.clear();
  }
}
