package io.sparkstep.lineage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * A dataset's OpenLineage name, from its Hadoop URI, as OpenLineage's naming spec gives it: local files
 * {@code file} and the absolute path; S3 {@code s3://bucket} and the object key ({@code s3a} and {@code s3n} are S3);
 * GCS {@code gs://bucket} and the key; ADLS Gen2 {@code abfss://container@account.dfs.core.windows.net} and the
 * path; HDFS {@code hdfs://namenode:port} and the path. Any other scheme: {@code scheme://authority} and the path.
 */
public record DatasetName(String namespace, String name) {

  public static DatasetName of(String uri) {
    URI parsed = parse(uri);
    String scheme = parsed.getScheme() == null ? "file" : parsed.getScheme().toLowerCase(Locale.ROOT);
    String path = trimTrailingSlash(parsed.getPath() == null ? "" : parsed.getPath());
    return switch (scheme) {
      case "file" -> new DatasetName("file", path.isEmpty() ? "/" : path);
      case "s3", "s3a", "s3n" -> new DatasetName("s3://" + parsed.getAuthority(), withoutLeadingSlash(path));
      case "gs" -> new DatasetName("gs://" + parsed.getAuthority(), withoutLeadingSlash(path));
      default -> new DatasetName(scheme + "://" + parsed.getAuthority(), path);
    };
  }

  /** A path without a scheme is a local file, as Hadoop reads it; made absolute as the run saw it. */
  private static URI parse(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getScheme() == null) {
        return Paths.get(uri).toAbsolutePath().normalize().toUri();
      }
      return parsed;
    } catch (URISyntaxException e) {
      return Paths.get(uri).toAbsolutePath().normalize().toUri();
    }
  }

  private static String withoutLeadingSlash(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static String trimTrailingSlash(String path) {
    String trimmed = path;
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  /**
   * One spelling per dataset ({@code file:/x}, {@code file:///x} and {@code /x/} are one; so are {@code s3a://b/k}
   * and {@code s3://b/k}), to match what one run read to what another wrote.
   */
  public String key() {
    return "file".equals(namespace) ? "file:" + name : namespace + (name.startsWith("/") ? "" : "/") + name;
  }
}
