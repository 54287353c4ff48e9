package io.sparkstep.cache;

import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.RunContext;

/** The handle of a run the cache served: final (SUCCEEDED) from the start, nothing to cancel or follow. */
public final class CachedRun extends AbstractStepRun {
  public CachedRun(RunContext context) {
    super(context);
  }

  @Override
  protected void requestCancel() {
    // a cached run launched nothing
  }
}
