package io.sparkstep.spi.spec;

import java.util.Locale;

/** What to do when an output already exists. Explicit on purpose: the default refuses. */
public enum WriteMode {
  /** Refuse to run when the output exists. */
  ERROR,
  /** Replace the existing output, atomically at commit. */
  OVERWRITE;

  public static WriteMode parse(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "error":
      case "errorifexists":
      case "fail":
        return ERROR;
      case "overwrite":
        return OVERWRITE;
      default:
        throw new IllegalArgumentException("unknown output mode '" + text + "'; use error or overwrite");
    }
  }
}
