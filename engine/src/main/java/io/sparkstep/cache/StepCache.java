package io.sparkstep.cache;

import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The cache check before a run launches, the same on every flavor: computes the key, looks it up in the artifact
 * store's {@link CacheIndex}, and makes it a hit only when every output the entry committed still has the listing
 * digest it had right after its commit and the run asks for its outputs where the entry has them. An output the
 * caller placed itself (a pipeline's artifact, named in {@link #PLACED_OUTPUTS_LABEL}) takes the cached location;
 * an explicit output URI that differs from the cached one is a miss with that reason (nothing is copied).
 */
public final class StepCache {
  /** Spec label: the outputs whose URIs the caller chose for the run (comma-separated); a hit may move them. */
  public static final String PLACED_OUTPUTS_LABEL = "sparkstep.placedOutputs";

  private StepCache() {
  }

  /**
   * @param enabled whether the run asked for the cache; when not, the key and the input snapshots are still computed
   *     (the record keeps them) and the outcome is {@code off}
   */
  public static CacheDecision decide(StepSpec spec, Class<?> stepClass, Map<String, Object> typedParams,
                                     String store, Configuration conf, boolean enabled) {
    CacheKeys.Computed computed;
    try {
      computed = CacheKeys.compute(spec, stepClass, typedParams, conf);
    } catch (IOException | RuntimeException e) {
      return new CacheDecision(enabled ? CacheDecision.MISS : CacheDecision.OFF, null,
          "the key could not be computed: " + e.getMessage(), null, Map.of());
    }
    CacheKey key = computed.key();
    if (!enabled) {
      return new CacheDecision(CacheDecision.OFF, key, "cache not requested (run --cache, or cache: true in the spec)",
          null, computed.inputs());
    }
    try {
      CacheIndex index = new CacheIndex(store, conf);
      Optional<CacheEntry> found = index.find(key.step(), key.key());
      if (found.isEmpty()) {
        return miss(key, whyNoEntry(index, key), computed);
      }
      CacheEntry entry = found.get();
      String stale = staleOutput(entry, conf);
      if (stale != null) {
        // The entry can never hit again: gone, so this run's own entry replaces it.
        index.remove(key.step(), key.key());
        return miss(key, stale, computed);
      }
      String elsewhere = explicitOutputElsewhere(spec, entry, conf);
      if (elsewhere != null) {
        return miss(key, elsewhere, computed);
      }
      return new CacheDecision(CacheDecision.HIT, key, "same key as run " + entry.runId
          + " and its outputs are intact", entry, computed.inputs());
    } catch (IOException | RuntimeException e) {
      return miss(key, "the cache index at " + store + " could not be read: " + e.getMessage(), computed);
    }
  }

  /** The target the driver publishes to after its commit. */
  public static StepSpec.CacheTarget target(CacheDecision decision, String store, Configuration conf) {
    CacheKey key = decision.key();
    return new StepSpec.CacheTarget(new CacheIndex(store, conf).entryUri(key.step(), key.key()), key.key(),
        key.parts());
  }

  private static CacheDecision miss(CacheKey key, String reason, CacheKeys.Computed computed) {
    return new CacheDecision(CacheDecision.MISS, key, reason, null, computed.inputs());
  }

  private static String whyNoEntry(CacheIndex index, CacheKey key) throws IOException {
    Optional<CacheEntry> latest = index.latest(key.step());
    if (latest.isEmpty()) {
      return "no earlier run of this step in the cache";
    }
    List<String> changes = key.changesSince(latest.get().parts);
    return changes.isEmpty() ? "no entry for this key"
        : String.join("; ", changes) + " since run " + latest.get().runId;
  }

  /** Why the entry's outputs are no longer what it committed, or null when each still is. */
  private static String staleOutput(CacheEntry entry, Configuration conf) throws IOException {
    for (Map.Entry<String, CacheEntry.Committed> output : entry.committed.entrySet()) {
      Path path = new Path(output.getValue().uri);
      if (!path.getFileSystem(conf).exists(path)) {
        return "the cached output " + output.getKey() + " of run " + entry.runId + " was deleted ("
            + output.getValue().uri + ")";
      }
      DataSnapshot now = ListingDigest.of(output.getValue().uri, conf);
      if (!now.equals(output.getValue().snapshot)) {
        return "the cached output " + output.getKey() + " of run " + entry.runId + " changed since its commit ("
            + output.getValue().uri + ")";
      }
    }
    return null;
  }

  private static String explicitOutputElsewhere(StepSpec spec, CacheEntry entry, Configuration conf)
      throws IOException {
    Set<String> placed = Arrays.stream(spec.labels.getOrDefault(PLACED_OUTPUTS_LABEL, "").split(","))
        .map(String::trim).filter(name -> !name.isEmpty()).collect(Collectors.toSet());
    for (Map.Entry<String, ArtifactSpec> output : spec.outputs.entrySet()) {
      CacheEntry.Committed cached = entry.committed.get(output.getKey());
      if (cached == null) {
        return "the cached run " + entry.runId + " has no output " + output.getKey();
      }
      if (!placed.contains(output.getKey()) && !sameLocation(output.getValue().uri, cached.uri, conf)) {
        return "explicit output URI of " + output.getKey() + " differs from the cached run's (" + cached.uri
            + " of run " + entry.runId + ")";
      }
    }
    return null;
  }

  private static boolean sameLocation(String a, String b, Configuration conf) throws IOException {
    Path left = new Path(a);
    Path right = new Path(b);
    return left.getFileSystem(conf).makeQualified(left).equals(right.getFileSystem(conf).makeQualified(right));
  }

  /** A hit's record: SUCCEEDED at once, from the cached run, with its outputs and models. */
  public static RunRecord hitFilled(RunRecord record, CacheDecision decision) {
    CacheEntry entry = decision.entry();
    RunRecord result = record.cachedFrom(entry.runId).cacheVerdict(decision.info());
    for (Map.Entry<String, RunRecord.InputInfo> input : decision.inputs().entrySet()) {
      result = result.inputRead(input.getKey(), input.getValue());
    }
    for (Map.Entry<String, RunRecord.OutputInfo> output : entry.outputs.entrySet()) {
      result = result.outputCommitted(output.getKey(), output.getValue());
    }
    for (Map.Entry<String, RunRecord.ModelInfo> model : entry.models.entrySet()) {
      result = result.modelCommitted(model.getKey(), model.getValue());
    }
    return result;
  }
}
