package io.sparkstep.cache;

import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * Computes a run's {@link CacheKey} from its prepared spec: the step class and its code, the parameters after
 * defaults, each output's format, options and partitioning (not its URI: where a result lands does not change it),
 * the accelerator, the {@link ResultSettings} the spec sets, and each input's format, options and snapshot. The
 * input snapshots are computed here, at submission, before anything launches: they are also what the run record
 * says each input was.
 */
public final class CacheKeys {
  /** The key and what it found of each input (the record's {@code inputs}). */
  public record Computed(CacheKey key, Map<String, RunRecord.InputInfo> inputs) {
  }

  private CacheKeys() {
  }

  /**
   * @param typedParams the step's parameters, typed and with defaults applied (the validator's result), so that
   *     {@code --param n=5} and {@code n: 5} in a pipeline file make the same key
   */
  public static Computed compute(StepSpec spec, Class<?> stepClass, Map<String, Object> typedParams,
                                 Configuration conf) throws IOException {
    Map<String, RunRecord.InputInfo> inputs = snapshots(spec, conf);
    Map<String, String> parts = new TreeMap<>();
    parts.put("step", stepClass.getName());
    parts.put("code", StepCode.of(stepClass));
    typedParams.forEach((name, value) -> parts.put("param." + name, CacheKey.json(value)));
    spec.outputs.forEach((name, output) -> parts.put("output." + name, CacheKey.json(settings(output))));
    parts.put("accelerator", Accelerators.nameOf(spec));
    for (String setting : ResultSettings.KEYS) {
      String value = spec.sparkConf.get(setting);
      if (value != null) {
        parts.put("conf." + setting, value);
      }
    }
    spec.inputs.forEach((name, input) -> {
      parts.put("input." + name, String.valueOf(inputs.get(name).snapshot));
      parts.put("input." + name + ".settings", CacheKey.json(settings(input)));
    });
    return new Computed(new CacheKey(parts), inputs);
  }

  /** What each input is now: its URI, format and snapshot. */
  public static Map<String, RunRecord.InputInfo> snapshots(StepSpec spec, Configuration conf) throws IOException {
    Map<String, RunRecord.InputInfo> inputs = new LinkedHashMap<>();
    for (Map.Entry<String, ArtifactSpec> input : spec.inputs.entrySet()) {
      DataSnapshot snapshot = InputSnapshots.of(input.getValue(), conf);
      inputs.put(input.getKey(), new RunRecord.InputInfo(input.getValue().uri, formatOf(input.getValue()), snapshot));
    }
    return inputs;
  }

  private static Map<String, Object> settings(ArtifactSpec artifact) {
    Map<String, Object> settings = new TreeMap<>();
    settings.put("format", formatOf(artifact));
    settings.put("options", new TreeMap<>(artifact.options));
    settings.put("partitionBy", artifact.partitionBy);
    return settings;
  }

  private static String formatOf(ArtifactSpec artifact) {
    return artifact.format == null ? "parquet" : artifact.format;
  }
}
