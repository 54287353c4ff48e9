package io.sparkstep.spi.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Data formats an input or output may have. Parquet is the default. */
public enum Format {
  PARQUET,
  CSV,
  JSON,
  ORC;

  public String sparkName() {
    return name().toLowerCase(Locale.ROOT);
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
