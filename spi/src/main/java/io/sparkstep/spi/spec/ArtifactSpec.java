package io.sparkstep.spi.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input or output: a Hadoop FS URI (file, hdfs, s3a, gs, abfs), its format and reader/writer options. For
 * outputs, {@link #mode} says whether an existing output may be replaced.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ArtifactSpec {
  public String uri;
  /** parquet (default), csv, json, orc, or the tables delta and iceberg (docs/tables.md). */
  public String format;
  /** Outputs only: error (default: refuse if it exists) or overwrite. */
  public String mode;
  public Map<String, String> options = new LinkedHashMap<>();
  /** Outputs only: partition columns. */
  public List<String> partitionBy = new ArrayList<>();

  public ArtifactSpec() {
  }

  /** A bare string in JSON is taken as the URI with defaults. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ArtifactSpec ofUri(String uri) {
    ArtifactSpec spec = new ArtifactSpec();
    spec.uri = uri;
    return spec;
  }

  public ArtifactSpec(String uri, String format, String mode) {
    this.uri = uri;
    this.format = format;
    this.mode = mode;
  }

  public Format formatOrDefault() {
    return format == null ? Format.PARQUET : Format.parse(format);
  }

  public WriteMode modeOrDefault() {
    return mode == null ? WriteMode.ERROR : WriteMode.parse(mode);
  }
}
