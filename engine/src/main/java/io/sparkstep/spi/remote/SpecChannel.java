package io.sparkstep.spi.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a step's spec reaches the entrypoint on a cluster, the same way for every flavor that passes it as arguments
 * (spark-submit, kubernetes): inline, split into {@code --spec-json-part} arguments each well under the operating
 * system's limit for one argument (Linux: 128 KiB, MAX_ARG_STRLEN), up to the flavor's limit for all of them
 * together; past that, as a URI ({@code --spec}) of a copy the flavor staged where the driver can read it. Never one
 * argument past the OS limit.
 */
public final class SpecChannel {
  /** Bytes of one argument: a quarter below Linux's 128 KiB per argument, for multi-byte characters and quoting. */
  public static final int PART_BYTES = 96 * 1024;
  public static final String PART_FLAG = "--spec-json-part";
  public static final String URI_FLAG = "--spec";

  private final int inlineLimitBytes;

  /** @param inlineLimitBytes the most spec bytes the flavor passes inline (all parts together) */
  public SpecChannel(int inlineLimitBytes) {
    this.inlineLimitBytes = inlineLimitBytes;
  }

  public int inlineLimitBytes() {
    return inlineLimitBytes;
  }

  public boolean fitsInline(String specJson) {
    return specJson.getBytes(StandardCharsets.UTF_8).length <= inlineLimitBytes;
  }

  /** The entrypoint arguments that carry {@code specJson} inline, in parts that each fit one OS argument. */
  public List<String> inlineArguments(String specJson) {
    if (!fitsInline(specJson)) {
      throw new IllegalArgumentException("the spec is " + specJson.getBytes(StandardCharsets.UTF_8).length / 1024
          + " KiB, over the inline limit of " + inlineLimitBytes / 1024 + " KiB");
    }
    List<String> args = new ArrayList<>();
    for (String part : parts(specJson)) {
      args.add(PART_FLAG);
      args.add(part);
    }
    return args;
  }

  /** The entrypoint arguments that point it at a staged copy of the spec. */
  public static List<String> uriArguments(String uri) {
    return List.of(URI_FLAG, uri);
  }

  /** Splits on character boundaries so that no part is over {@link #PART_BYTES} in UTF-8. */
  static List<String> parts(String text) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = start;
      int bytes = 0;
      while (end < text.length()) {
        int cp = text.codePointAt(end);
        int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (bytes + size > PART_BYTES) {
          break;
        }
        bytes += size;
        end += Character.charCount(cp);
      }
      parts.add(text.substring(start, end));
      start = end;
    }
    return parts;
  }
}
