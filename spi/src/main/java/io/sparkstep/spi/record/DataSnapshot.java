package io.sparkstep.spi.record;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Which exact state of a dataset a run read or wrote: a Delta table's version, an Iceberg table's snapshot id, a
 * Sparkstep artifact's commit id, or for plain files a digest of their listing (path, length, modification time, and
 * the ETag or generation where the store gives one). Two equal snapshots of one URI mean the same data; this is what
 * the step cache keys on and what lineage reports.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class DataSnapshot {
  /** A Delta table's version: {@code value} is the version number. */
  public static final String DELTA_VERSION = "delta-version";
  /** An Iceberg table's snapshot: {@code value} is the snapshot id. */
  public static final String ICEBERG_SNAPSHOT = "iceberg-snapshot";
  /** An output committed by Sparkstep: {@code value} is the id of the run that committed it. */
  public static final String SPARKSTEP_COMMIT = "sparkstep-commit";
  /** Plain files: {@code value} is a SHA-256 over the sorted listing (path, length, modification time, ETag). */
  public static final String LISTING_DIGEST = "listing-digest";

  public final String kind;
  public final String value;
  /** For a listing digest: how many files it covers. */
  public final Long files;

  public DataSnapshot(String kind, String value) {
    this(kind, value, null);
  }

  @JsonCreator
  public DataSnapshot(@JsonProperty("kind") String kind, @JsonProperty("value") String value,
      @JsonProperty("files") Long files) {
    this.kind = kind;
    this.value = value;
    this.files = files;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DataSnapshot that
        && Objects.equals(kind, that.kind)
        && Objects.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, value);
  }

  @Override
  public String toString() {
    return kind + ":" + value;
  }
}
