package io.sparkstep.runtime;

import java.util.concurrent.atomic.AtomicBoolean;

/** Shared flag by which a run handle or a signal asks a running step to stop. */
public final class CancelToken {
  private final AtomicBoolean requested = new AtomicBoolean();

  public boolean request() {
    return requested.compareAndSet(false, true);
  }

  public boolean isRequested() {
    return requested.get();
  }
}
