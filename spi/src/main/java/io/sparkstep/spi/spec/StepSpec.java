package io.sparkstep.spi.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The versioned JSON description of one step run: which step, its parameters, inputs, outputs, resources, Spark
 * conf, accelerator and operator settings. The same document drives the step in every environment.
 *
 * <p>Mutable on purpose: the launch API and the CLI build it field by field, then {@link SpecValidator} checks it as a
 * whole. Use {@link StepSpecJson} to read and write it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = false)
public class StepSpec {
  /** The only spec version this engine reads; a newer one is refused rather than half-understood. */
  public static final int CURRENT_VERSION = 1;

  public int specVersion = CURRENT_VERSION;
  /** Assigned at submission when absent. */
  public String runId;
  /** Step class name or alias. */
  public String step;
  public Map<String, Object> params = new LinkedHashMap<>();
  public Map<String, ArtifactSpec> inputs = new LinkedHashMap<>();
  public Map<String, ArtifactSpec> outputs = new LinkedHashMap<>();
  public ResourceSpec resources = new ResourceSpec();
  /** Spark conf for this step; values may use ${ENV_VAR}, resolved where the step runs. */
  public Map<String, String> sparkConf = new LinkedHashMap<>();
  /** none (default), comet or rapids. */
  public String accelerator;
  /**
   * The jars with the step's code, from every source the user may name them in ({@code SPARKSTEP_CLASSPATH},
   * {@code --jars}, the operator's {@code jars}, {@code plugins/}); filled at submission (see
   * {@link io.sparkstep.spi.util.UserJars}) and shipped to clusters as {@code spark.jars}.
   */
  public java.util.List<String> jars = new java.util.ArrayList<>();
  /** Operator name and flavor that launched the run, and its non-secret settings. */
  public OperatorRef operator;
  /** Hadoop FS URI of the directory where the entrypoint writes the run record and its log. */
  public String runDir;
  /** Retries of retryable step failures and submission failures. */
  public RetrySpec retry;
  public Map<String, String> labels = new LinkedHashMap<>();
  /**
   * Whether the step cache serves this run from an earlier run with the same key (see docs/cache.md); absent: the
   * caller's default (off for {@code run}, on for pipeline steps).
   */
  public Boolean cache;
  /** Hadoop FS URI of the artifact store whose step cache index this run uses; absent: {@code <home>/artifacts}. */
  public String artifactStore;
  /** Filled at submission on a cache miss: where the driver publishes this run's cache entry once it committed. */
  public CacheTarget cacheTarget;

  public StepSpec copy() {
    return StepSpecJson.read(StepSpecJson.write(this));
  }

  /** Operator that runs the step: the name it was registered under, its flavor and its non-secret settings. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class OperatorRef {
    public String name;
    public String flavor;
    public Map<String, String> settings = new LinkedHashMap<>();

    public OperatorRef() {
    }

    public OperatorRef(String name, String flavor) {
      this.name = name;
      this.flavor = flavor;
    }
  }

  /**
   * A cache miss's entry to publish: its URI in the index, the key, and the parts the key was computed from (kept in
   * the entry so a later miss can name the part that changed).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class CacheTarget {
    public String uri;
    public String key;
    public Map<String, String> parts = new LinkedHashMap<>();

    public CacheTarget() {
    }

    public CacheTarget(String uri, String key, Map<String, String> parts) {
      this.uri = uri;
      this.key = key;
      this.parts.putAll(parts);
    }
  }

  /** How often and how patiently a failed attempt is tried again. */
  @JsonInclude(JsonInclude.Include.NON_DEFAULT)
  public static class RetrySpec {
    public int maxAttempts = 1;
    public long backoffMillis = 2000;

    public RetrySpec() {
    }

    public RetrySpec(int maxAttempts, long backoffMillis) {
      this.maxAttempts = maxAttempts;
      this.backoffMillis = backoffMillis;
    }
  }
}
