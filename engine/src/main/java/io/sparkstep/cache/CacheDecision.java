package io.sparkstep.cache;

import io.sparkstep.spi.record.RunRecord;
import java.util.Map;

/**
 * The step cache's verdict on one run before it launches: {@code hit} (the entry whose outputs the run takes),
 * {@code miss} (why, naming the part of the key that changed), or {@code off} ({@link #RACED} is set after the
 * run, by its publication); with the key when it could be
 * computed and what each input was.
 */
public record CacheDecision(String outcome, CacheKey key, String reason, CacheEntry entry,
                            Map<String, RunRecord.InputInfo> inputs) {
  public static final String HIT = "hit";
  public static final String MISS = "miss";
  public static final String OFF = "off";
  /**
   * A miss that lost a race: an identical run published the key's entry after this run's check and before its own
   * publication; this run recomputed and keeps its own outputs, later hits take the other run's.
   */
  public static final String RACED = "raced";

  public boolean isHit() {
    return HIT.equals(outcome);
  }

  /** Whether the driver publishes an entry once the run committed: a miss with a key. */
  public boolean publishes() {
    return MISS.equals(outcome) && key != null;
  }

  /** The record's {@code cache} field. */
  public RunRecord.CacheInfo info() {
    return new RunRecord.CacheInfo(outcome, key == null ? null : key.key(), reason);
  }
}
