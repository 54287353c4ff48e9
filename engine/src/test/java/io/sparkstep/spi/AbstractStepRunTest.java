package io.sparkstep.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-state core every flavor's handle shares: compare-and-set moves, finality, listeners, the stored record. */
class AbstractStepRunTest {
  private static final List<RunState> FINAL_STATES = List.of(RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED);

  @TempDir
  Path home;
  private final ExecutorService pool = Executors.newFixedThreadPool(FINAL_STATES.size() + 1);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  /**
   * The smallest real handle: state pushed by whoever calls {@link #observe}, or pulled from {@code platform} by the
   * base class's refresh, as a flavor's handle does.
   */
  static final class TestRun extends AbstractStepRun {
    private final Supplier<RunState> platform;
    int cancelRequests;

    TestRun(RunContext context, Supplier<RunState> platform) {
      super(context, Duration.ZERO);
      this.platform = platform;
    }

    @Override
    protected void requestCancel() {
      cancelRequests++;
      moveTo(RunState.CANCELLED);
    }

    @Override
    protected void refresh() {
      RunState now = platform.get();
      if (now != null) {
        moveTo(now);
      }
    }

    boolean observe(RunState state) {
      return moveTo(state);
    }
  }

  private RunStore store() {
    return new RunStore(home);
  }

  private TestRun newRun(String runId, Supplier<RunState> platform) {
    RunRecord record = new RunRecord(runId, "step", "op", "test");
    store().reserve(runId);
    store().save(record);
    return new TestRun(new RunContext(record, store(), null), platform);
  }

  private RunState stored(String runId) {
    return store().load(runId).orElseThrow().state;
  }

  @Test
  void movesForwardSavingEachStateAndTellingListenersInTheOrderTheyWereAdded() {
    TestRun run = newRun("forward", () -> null);
    List<String> heard = new ArrayList<>();
    run.addListener(handle -> heard.add("first " + handle.state() + " stored " + stored("forward")));
    run.addListener(handle -> heard.add("second " + handle.state()));

    assertTrue(run.observe(RunState.RUNNING));
    assertFalse(run.observe(RunState.RUNNING), "the same state again is no move");
    assertTrue(run.observe(RunState.SUCCEEDED));

    assertEquals(List.of("first RUNNING stored RUNNING", "second RUNNING",
        "first SUCCEEDED stored SUCCEEDED", "second SUCCEEDED"), heard,
        "each listener hears each move once, in the order added, after the record is stored");
    assertTrue(run.isDone());
    RunRecord record = store().load("forward").orElseThrow();
    assertTrue(record.startedAt != null && record.endedAt != null && record.durationMillis != null,
        "the moves stamped the times");
  }

  @Test
  void aFinalStateIsNeverLeftAndCancelOfAFinishedRunAsksNothing() {
    TestRun run = newRun("final", () -> null);
    List<RunState> heard = new ArrayList<>();
    run.addListener(handle -> heard.add(handle.state()));
    run.observe(RunState.RUNNING);
    run.observe(RunState.FAILED);

    for (RunState later : RunState.values()) {
      assertFalse(run.observe(later), "FAILED does not move to " + later);
    }
    run.cancel();

    assertEquals(RunState.FAILED, run.state());
    assertEquals(RunState.FAILED, stored("final"));
    assertEquals(List.of(RunState.RUNNING, RunState.FAILED), heard);
    assertEquals(0, run.cancelRequests, "a final run is not asked to stop");
  }

  @Test
  void aLateAnswerWithAnOlderStateDoesNotMoveTheRunBack() {
    TestRun run = newRun("late", () -> null);
    run.observe(RunState.RUNNING);

    assertFalse(run.observe(RunState.SUBMITTED));
    assertEquals(RunState.RUNNING, run.state());
  }

  @Test
  void aListenerThatThrowsDoesNotKeepTheOthersFromHearing() {
    TestRun run = newRun("throwing", () -> null);
    List<RunState> heard = new ArrayList<>();
    run.addListener(handle -> {
      throw new IllegalStateException("listener bug");
    });
    run.addListener(handle -> heard.add(handle.state()));

    run.observe(RunState.SUCCEEDED);

    assertEquals(List.of(RunState.SUCCEEDED), heard);
  }

  @Test
  void threadsRacingToDifferentFinalStatesLeaveExactlyOneWinnerEverywhere() throws Exception {
    for (int round = 0; round < 40; round++) {
      String runId = "race-" + round;
      TestRun run = newRun(runId, () -> null);
      run.observe(RunState.RUNNING);
      List<RunState> heard = new CopyOnWriteArrayList<>();
      run.addListener(handle -> heard.add(handle.state()));
      CyclicBarrier start = new CyclicBarrier(FINAL_STATES.size());
      List<Future<Boolean>> moves = new ArrayList<>();
      for (RunState target : FINAL_STATES) {
        moves.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return run.observe(target);
        }));
      }
      List<RunState> winners = new ArrayList<>();
      for (int i = 0; i < moves.size(); i++) {
        if (moves.get(i).get(10, TimeUnit.SECONDS)) {
          winners.add(FINAL_STATES.get(i));
        }
      }

      assertEquals(1, winners.size(), "round " + round + ": one move wins: " + winners);
      RunState winner = winners.get(0);
      assertEquals(List.of(winner), heard, "round " + round + ": listeners hear the winner only");
      assertEquals(winner, run.state());
      assertEquals(winner, run.record().state());
      assertEquals(winner, stored(runId), "round " + round + ": the store holds the winner");
    }
  }

  @Test
  void awaitReturnsTheFinalStateAnotherThreadMoved() throws Exception {
    TestRun run = newRun("await", () -> null);
    Future<RunState> waiter = pool.submit(() -> run.await(Duration.ofSeconds(30)));
    run.observe(RunState.RUNNING);
    run.observe(RunState.CANCELLED);

    assertEquals(RunState.CANCELLED, waiter.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aFinalStateAnotherProcessStoredWinsOverWhatThePlatformSays() {
    TestRun run = newRun("elsewhere", () -> RunState.RUNNING);
    assertEquals(RunState.RUNNING, run.state());
    List<RunState> heard = new ArrayList<>();
    run.addListener(handle -> heard.add(handle.state()));

    // another process (a runs cancel) observed the end first and stored it, with what it learnt
    RunRecord other = store().load("elsewhere").orElseThrow()
        .moved(RunState.CANCELLED)
        .platformNote("cancelRequestedAt", "2026-01-01T00:00:00Z");
    store().save(other);

    assertEquals(RunState.CANCELLED, run.state());
    assertEquals(List.of(RunState.CANCELLED), heard, "listeners hear the stored final state once");
    assertTrue(run.isDone());
    assertEquals("2026-01-01T00:00:00Z", store().load("elsewhere").orElseThrow().platform.get("cancelRequestedAt"),
        "the other process's record is kept, not overwritten with this handle's");
  }

  @Test
  void aPlatformThatCannotBeAskedMakesTheStateUnknownWithTheReasonUntilItAnswers() {
    RunState[] answer = {null};
    TestRun run = newRun("unreachable", () -> {
      if (answer[0] == null) {
        throw new IllegalStateException("connection refused");
      }
      return answer[0];
    });

    assertEquals(RunState.UNKNOWN, run.state());
    assertEquals("connection refused", run.record().stateReason());

    answer[0] = RunState.RUNNING;
    assertEquals(RunState.RUNNING, run.state());
    assertNull(run.record().stateReason(), "the reason goes once the platform answers");
    assertNull(store().load("unreachable").orElseThrow().platform.get(RunRecord.UNREACHABLE));
  }
}
