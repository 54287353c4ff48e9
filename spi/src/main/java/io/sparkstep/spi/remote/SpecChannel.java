package io.sparkstep.spi.remote;

import io.sparkstep.spi.EntrypointContract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a step's spec reaches the entrypoint, one rule for every flavor: inline up to the flavor's limit, past that as
 * the URI of a copy the flavor staged where the driver can read it (a Hadoop file system, S3, GCS, ABFS).
 *
 * <p>Flavors that start the driver with arguments (spark-submit, kubernetes) pass it split into
 * {@code --spec-json-part} arguments each well under the operating system's limit for one argument (Linux: 128 KiB,
 * MAX_ARG_STRLEN), or {@code --spec URI}: never one argument past the OS limit. Flavors that start a container
 * (sagemaker, vertex, azureml) pass it in the container's environment ({@link #environment}): {@code SPARKSTEP_SPEC},
 * or {@code SPARKSTEP_SPEC_URI} past the limit, with {@code SPARKSTEP_RUN_DIR}.
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

  /**
   * The entrypoint arguments that deliver {@code specJson}: inline parts while it fits the limit, else
   * {@code --spec URI} of the copy {@code upload} wrote (see {@link SpecStaging}).
   */
  public <E extends Exception> List<String> arguments(String specJson, Upload<E> upload) throws E {
    return fitsInline(specJson) ? inlineArguments(specJson) : uriArguments(upload.write(specJson));
  }

  /** Writes the spec where the driver can read it and returns the URI the driver reads it by. */
  @FunctionalInterface
  public interface Upload<E extends Exception> {
    String write(String specJson) throws E;
  }

  /**
   * The container environment that delivers {@code specJson}: {@code SPARKSTEP_SPEC} while it fits the inline limit,
   * else {@code SPARKSTEP_SPEC_URI} naming the copy {@code upload} wrote; and {@code SPARKSTEP_RUN_DIR}, where the
   * entrypoint writes its record. The spec holds only redacted settings and {@code ${ENV}} references, so neither
   * form carries a secret.
   */
  public <E extends Exception> Map<String, String> environment(String specJson, String runDirUri, Upload<E> upload)
      throws E {
    Map<String, String> env = new LinkedHashMap<>();
    if (fitsInline(specJson)) {
      env.put(EntrypointContract.SPEC_ENV, specJson);
    } else {
      env.put(EntrypointContract.SPEC_URI_ENV, upload.write(specJson));
    }
    env.put(EntrypointContract.RUN_DIR_ENV, runDirUri);
    return env;
  }

  /** The URI of the staged spec in an environment from {@link #environment}, or null when it travelled inline. */
  public static String stagedSpecUri(Map<String, String> environment) {
    return environment.get(EntrypointContract.SPEC_URI_ENV);
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
