package io.sparkstep.spi.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Data formats an input or output may have. Parquet is the default. Delta and Iceberg are tables: each write is the
 * table's own transaction (a new version or snapshot), and a read can name an older one.
 */
public enum Format {
  PARQUET,
  CSV,
  JSON,
  ORC,
  DELTA,
  ICEBERG;

  public String sparkName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A table format: committed by its own transaction, not by Sparkstep's staging and rename. */
  public boolean isTable() {
    return this == DELTA || this == ICEBERG;
  }

  public static Format parse(String text) {
    for (Format format : values()) {
      if (format.sparkName().equalsIgnoreCase(text.trim())) {
        return format;
      }
    }
    throw new IllegalArgumentException("unsupported format '" + text + "'; use one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(Format::sparkName).collect(Collectors.joining(", "));
  }
}
