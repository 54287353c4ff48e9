package io.sparkstep.spi;

import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every flavor's run handle: state that only moves forward and is persisted on each change, listeners,
 * await, log streaming from the run's local log file, and cancel. A flavor supplies {@link #requestCancel()} and,
 * when state lives on a platform, {@link #refresh()}; it reports changes with {@link #moveTo(RunState)}.
 *
 * <p>State is the platform's, read on demand: {@link #state()}, {@link #record()}, {@link #await}, and
 * {@link #logs} ask the platform (through {@link #refresh()}) while the run is not final, from whichever thread and
 * process calls them; no thread of the submitting process is needed for a run to reach its final state. One rate
 * limit (the poll interval) governs every question, including the ones a log follower asks. A refresh that throws
 * makes the state UNKNOWN with the reason, not a stale RUNNING. A final state stored by another process wins.
 *
 * <p>The handle owns its state, as Spark's {@code AbstractAppHandle} does: it moves forward only by one
 * compare-and-set on {@link #state}, a final state is never left, and the winner of a move alone does what follows
 * it (updating and saving the record, telling listeners, releasing waiters), outside the compare-and-set.
 */
public abstract class AbstractStepRun implements StepRun {
  private static final Logger LOG = LoggerFactory.getLogger(AbstractStepRun.class);
  protected final RunContext context;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Duration pollInterval;
  private final AtomicReference<RunState> state;
  private long lastRefreshNanos;
  private boolean refreshedOnce;

  protected AbstractStepRun(RunContext context, Duration pollInterval) {
    this.context = context;
    this.pollInterval = pollInterval;
    RunState initial = context.record().state;
    state = new AtomicReference<>(initial == null ? RunState.SUBMITTED : initial);
    if (state.get().isFinal()) {
      done.countDown();
    }
  }

  protected AbstractStepRun(RunContext context) {
    this(context, Duration.ofMillis(500));
  }

  @Override
  public String id() {
    return context.record().runId;
  }

  @Override
  public RunState state() {
    if (done.getCount() > 0) {
      safeRefresh(false);
    }
    return state.get();
  }

  /** An immutable copy of the record as the platform knows it now: later changes of the run do not show in it. */
  @Override
  public RunRecordView record() {
    if (done.getCount() > 0) {
      safeRefresh(false);
    }
    return context.record().view();
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public RunState await(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (done.getCount() > 0) {
      safeRefresh(false);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("run " + id() + " is still " + state.get() + " after " + timeout);
      }
      done.await(Math.min(left, pollInterval.toNanos()), TimeUnit.NANOSECONDS);
    }
    return state.get();
  }

  @Override
  public void cancel() {
    if (done.getCount() == 0) {
      return;
    }
    requestCancel();
  }

  @Override
  public Stream<String> logs(boolean follow) {
    if (done.getCount() > 0) {
      // a finished run's last lines are saved by the refresh that observes its end
      safeRefresh(true);
    }
    Path file = context.logFile();
    Iterator<String> lines = new LogTail(file, follow);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED), false);
  }

  /** Asks the platform to stop the run. The final state arrives through {@link #moveTo}. */
  protected abstract void requestCancel();

  /** Pulls the current state from the platform and calls {@link #moveTo}; no-op when state is pushed. */
  protected void refresh() {
  }

  public boolean isDone() {
    return done.getCount() == 0;
  }

  /**
   * Records a new state: persists the record and tells listeners. Ignored once final.
   *
   * @return whether the state changed
   */
  protected boolean moveTo(RunState next) {
    // Several processes observe one run: the first final state stored is the run's. One that saw the end after
    // another observer had cleaned up (a pod deleted, a job expired) takes that state instead of its own guess.
    if (next.isFinal() && adoptStoredFinalState()) {
      return true;
    }
    return transitionTo(next);
  }

  /**
   * {@link #moveTo} once the state is this process's to set: one compare-and-set decides, and only its winner
   * updates the record, saves it, tells listeners (in the order they were added) and, for a final state, releases
   * whoever awaits the run. A runner that already wrote a final state into the shared record decides the state.
   */
  private boolean transitionTo(RunState requested) {
    RunState from;
    RunState next;
    do {
      from = state.get();
      next = target(from, requested);
      if (next == null) {
        return false;
      }
    } while (!state.compareAndSet(from, next));
    RunState moved = next;
    // the runner may have written this state into the shared record already; the record then keeps its times
    context.update(record -> (moved == RunState.UNKNOWN ? record : record.reachable()).moved(moved));
    context.save();
    for (Listener listener : listeners) {
      try {
        listener.stateChanged(this);
      } catch (RuntimeException e) {
        LOG.warn("run listener failed: {}", e.toString());
      }
    }
    if (next.isFinal()) {
      done.countDown();
    }
    return true;
  }

  /** Where a move from {@code from} towards {@code requested} goes, or null when the state stays where it is. */
  private RunState target(RunState from, RunState requested) {
    if (from.isFinal()) {
      return null;
    }
    RunRecord record = context.record();
    RunState recorded = record.state;
    boolean started = record.startedAt != null;
    RunState next = recorded != null && recorded.isFinal() && requested.isFinal() ? recorded : requested;
    if (next == from) {
      return null;
    }
    if (next == RunState.SUBMITTED && (from == RunState.RUNNING || started)) {
      return null; // forward only: a platform that answers late with an older state does not move it back
    }
    return next;
  }

  /** Persists the record after a change that is not a state change (app id, rows, platform ids). */
  protected void saveRecord() {
    context.save();
  }

  /**
   * The platform cannot be asked: the state is UNKNOWN until it answers again, with the reason in the record (a
   * final state stays final).
   */
  protected void unreachable(String reason) {
    if (state.get().isFinal()) {
      return;
    }
    context.update(record -> record.unreachable(reason));
    if (!moveTo(RunState.UNKNOWN)) {
      saveRecord();
    }
  }

  /**
   * Asks the platform, at most once per poll interval (unless {@code force}): whoever calls (await, a log follower,
   * {@code runs status}) shares one rate limit. First adopts a final state that another process stored.
   */
  private void safeRefresh(boolean force) {
    synchronized (this) {
      long now = System.nanoTime();
      if (!force && refreshedOnce && now - lastRefreshNanos < pollInterval.toNanos()) {
        return;
      }
      refreshedOnce = true;
      lastRefreshNanos = now;
    }
    if (adoptStoredFinalState()) {
      return;
    }
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.debug("refresh of run {} failed: {}", id(), e.toString());
      unreachable(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** Another process observed the end and stored it: that is the run's state (and record) here too. */
  private boolean adoptStoredFinalState() {
    RunRecord stored;
    try {
      stored = context.store().load(id()).orElse(null);
    } catch (RuntimeException e) {
      return false;
    }
    if (stored == null || stored.state == null || !stored.state.isFinal()) {
      return false;
    }
    if (state.get().isFinal()) {
      return false;
    }
    // the stored record, its final state included, becomes this handle's record; the move below tells listeners
    context.update(current -> stored);
    afterStoredFinal();
    transitionTo(stored.state);
    return true;
  }

  /** Called when the final state came from another process's observation; a handle releases what it holds. */
  protected void afterStoredFinal() {
  }

  /** Reads a log file line by line; when following, waits for more until the run is final. */
  private final class LogTail implements Iterator<String> {
    private final Path file;
    private final boolean follow;
    private BufferedReader reader;
    private String next;
    private final StringBuilder partial = new StringBuilder();

    LogTail(Path file, boolean follow) {
      this.file = file;
      this.follow = follow;
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      try {
        while (true) {
          if (reader == null && Files.exists(file)) {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
          }
          if (reader != null) {
            String line = readCompleteLine();
            if (line != null) {
              next = line;
              return true;
            }
          }
          boolean finished = isDone() || !follow;
          if (!finished) {
            safeRefresh(false);
            finished = isDone();
          }
          if (finished) {
            // one last read: the final lines may have landed together with the final state
            if (reader == null && Files.exists(file)) {
              reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            }
            String line = reader == null ? null : readCompleteLine();
            if (line == null && partial.length() > 0) {
              line = partial.toString();
              partial.setLength(0);
            }
            if (line != null) {
              next = line;
              return true;
            }
            close();
            return false;
          }
          // more lines or the final state, whichever comes first
          done.await(200, TimeUnit.MILLISECONDS);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** A line only once its newline was written, so a follower never splits a line being written. */
    private String readCompleteLine() throws IOException {
      int c;
      while (reader.ready() && (c = reader.read()) != -1) {
        if (c == '\n') {
          String line = partial.toString();
          partial.setLength(0);
          return line;
        }
        partial.append((char) c);
      }
      return null;
    }

    private void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String line = next;
      next = null;
      return line;
    }
  }
}
