package io.sparkstep.spec;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.spec.WriteMode;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

/**
 * The checks of the spec's inputs ({@link #INPUTS}) and outputs ({@link #OUTPUTS}), one artifact at a time: its
 * format, table format and write mode; its URI (a supported file system, an absolute path, a bucket where one is
 * needed, a connector that serves it); with local paths checked, that an input exists and an output does not.
 */
final class ArtifactCheck implements SpecCheck {
  static final SpecCheck INPUTS = new ArtifactCheck(false);
  static final SpecCheck OUTPUTS = new ArtifactCheck(true);
  private final boolean output;

  private ArtifactCheck(boolean output) {
    this.output = output;
  }

  @Override
  public void check(SpecCheckContext context) {
    Map<String, ArtifactSpec> artifacts = output ? context.spec.outputs : context.spec.inputs;
    String field = output ? "outputs." : "inputs.";
    artifacts.forEach((name, artifact) -> check(field + name, artifact, context));
  }

  private void check(String field, ArtifactSpec artifact, SpecCheckContext context) {
    if (artifact == null || artifact.uri == null || artifact.uri.isBlank()) {
      context.add(ValidationProblem.of(field + ".uri", "is missing",
          "give a URI such as file:/data/x or s3a://bucket/x"));
      return;
    }
    checkSettings(field, artifact, context);
    URI uri = servedUri(field, artifact, context);
    if (uri != null && context.checkLocalPaths && "file".equals(scheme(uri))) {
      checkLocalPath(field, artifact, uri, context.problems);
    }
  }

  /** Format, table format and write mode. */
  private void checkSettings(String field, ArtifactSpec artifact, SpecCheckContext context) {
    Format format = Format.PARQUET;
    if (artifact.format != null) {
      try {
        format = Format.parse(artifact.format);
      } catch (IllegalArgumentException e) {
        context.add(ValidationProblem.of(field + ".format", e.getMessage(), "parquet is the default"));
      }
    }
    TableFormats.check(field, artifact, format, output, context.connectorLoader(), context.problems);
    if (artifact.mode == null) {
      return;
    }
    if (!output) {
      context.add(ValidationProblem.of(field + ".mode", "applies to outputs only", "remove it"));
      return;
    }
    try {
      WriteMode.parse(artifact.mode);
    } catch (IllegalArgumentException e) {
      context.add(ValidationProblem.of(field + ".mode", e.getMessage(), "error refuses an existing output"));
    }
  }

  /** The artifact's URI when it names a place below the root of a file system a connector serves, else null. */
  private static URI servedUri(String field, ArtifactSpec artifact, SpecCheckContext context) {
    URI uri;
    try {
      uri = new URI(artifact.uri);
    } catch (URISyntaxException e) {
      context.add(ValidationProblem.of(field + ".uri", "is not a valid URI: " + e.getReason(),
          "escape spaces and special characters"));
      return null;
    }
    ValidationProblem problem = shapeProblem(field + ".uri", artifact.uri, uri);
    String scheme = scheme(uri);
    if (problem == null && !"file".equals(scheme)) {
      problem = FileSystemConnectors.problem(field + ".uri", scheme, context.spec.sparkConf, context.connectorLoader());
    }
    if (problem != null) {
      context.add(problem);
      return null;
    }
    return uri;
  }

  /** A supported scheme, an absolute path, a bucket or container where the file system needs one, not the root. */
  private static ValidationProblem shapeProblem(String field, String given, URI uri) {
    String scheme = scheme(uri);
    if (!SpecValidator.SCHEMES.contains(scheme)) {
      return ValidationProblem.of(field, "unsupported scheme '" + scheme + "'",
          "use one of file, hdfs, s3a, gs, abfs (s3:// and s3n:// are s3a:// in Hadoop)");
    }
    if (uri.isOpaque() || uri.getPath() == null || uri.getScheme() != null && !uri.getPath().startsWith("/")) {
      return ValidationProblem.of(field, "'" + given + "' has no absolute path",
          "write " + scheme + ":/absolute/path (or a plain relative path for a local file)");
    }
    if (!"file".equals(scheme) && (uri.getAuthority() == null || uri.getAuthority().isBlank())
        && !"hdfs".equals(scheme) && !"viewfs".equals(scheme)) {
      return ValidationProblem.of(field, "'" + given + "' names no bucket or container",
          "write " + scheme + "://bucket/path");
    }
    if (uri.getPath().equals("/") || uri.getPath().isEmpty()) {
      return ValidationProblem.of(field, "'" + given + "' is the root of its file system", "name a directory below it");
    }
    return null;
  }

  /** An input that exists, an output that does not (unless it is to be replaced). */
  private void checkLocalPath(String field, ArtifactSpec artifact, URI uri, List<ValidationProblem> problems) {
    File file = new File(uri.getScheme() == null ? artifact.uri : uri.getPath());
    if (!output && !file.exists()) {
      problems.add(ValidationProblem.of(field + ".uri", "input path does not exist: " + file,
          "run the step that produces it first, or fix the path"));
    }
    if (output && file.exists() && safeMode(artifact) == WriteMode.ERROR) {
      problems.add(ValidationProblem.of(field + ".uri", "output already exists: " + file,
          "set mode overwrite (--overwrite) to replace it, or choose another path"));
    }
  }

  private static String scheme(URI uri) {
    return uri.getScheme() == null ? "file" : uri.getScheme();
  }

  private static WriteMode safeMode(ArtifactSpec artifact) {
    try {
      return artifact.modeOrDefault();
    } catch (IllegalArgumentException e) {
      return WriteMode.ERROR;
    }
  }
}
