package io.sparkstep.cache;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's side of the cache: after the run's outputs committed, the entry of a miss goes into the index with
 * each output's listing digest as committed, so any later run with the same key, on any flavor sharing the store, can
 * take them.
 */
public final class CachePublisher {
  private CachePublisher() {
  }

  /** Publishes the run's entry; what the index holds afterwards (this run's entry, or an identical run's). */
  public static CacheIndex.Publication publish(StepSpec spec, RunRecord record, Configuration conf)
      throws IOException {
    StepSpec.CacheTarget target = spec.cacheTarget;
    CacheEntry entry = new CacheEntry();
    entry.key = target.key;
    entry.runId = spec.runId;
    entry.step = target.parts.get("step");
    entry.createdAt = Instant.now();
    entry.parts.putAll(target.parts);
    // the record is an immutable value: nothing changes it under this read
    entry.outputs.putAll(record.outputs);
    entry.models.putAll(record.models);
    for (Map.Entry<String, ArtifactSpec> output : spec.outputs.entrySet()) {
      // where the run committed it: the URI itself, or its run location under a pointer commit on an object store
      RunRecord.OutputInfo committed = record.outputs.get(output.getKey());
      String uri = committed != null && committed.uri != null ? committed.uri : output.getValue().uri;
      entry.committed.put(output.getKey(), new CacheEntry.Committed(uri, ListingDigest.of(uri, conf)));
    }
    return CacheIndex.publish(target.uri, entry, conf);
  }

  /**
   * The run's record once its publication is known: unchanged when its entry is the index's; otherwise its cache
   * verdict says it raced an identical run, recomputed, and which run's outputs later hits take.
   */
  public static RunRecord recorded(RunRecord record, CacheIndex.Publication publication) {
    if (publication.won()) {
      return record;
    }
    String winner = publication.entry().runId;
    return record.cacheVerdict(new RunRecord.CacheInfo(CacheDecision.RACED, publication.entry().key,
        "recomputed: identical run " + winner + " published this key first; this run keeps its own outputs, later"
            + " hits take run " + winner + "'s"));
  }
}
