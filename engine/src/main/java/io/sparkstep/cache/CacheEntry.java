package io.sparkstep.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the cache index: the run that computed a key, the parts of that key, and the outputs it committed with
 * the listing digest each had right after its commit (a hit requires the output to still have it).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CacheEntry {
  public String key;
  public String runId;
  public String step;
  public Instant createdAt;
  public Map<String, String> parts = new LinkedHashMap<>();
  public Map<String, RunRecord.OutputInfo> outputs = new LinkedHashMap<>();
  public Map<String, RunRecord.ModelInfo> models = new LinkedHashMap<>();
  /** Every output of the spec (models too): where it was committed and its listing digest right after the commit. */
  public Map<String, Committed> committed = new LinkedHashMap<>();

  /** One committed output as the entry remembers it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Committed {
    public String uri;
    public DataSnapshot snapshot;

    public Committed() {
    }

    public Committed(String uri, DataSnapshot snapshot) {
      this.uri = uri;
      this.snapshot = snapshot;
    }
  }
}
