package io.sparkstep.lineage;

import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.util.Redactor;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;

/**
 * Where a run's OpenLineage events go: an HTTP endpoint, a file (one event per line), both, or nowhere (the
 * default). An operator's settings ({@value #URL_SETTING}, {@value #FILE_SETTING}) win over the environment of the
 * process that observes the run ({@value #URL_ENV}, {@value #FILE_ENV}); the job namespace comes from
 * {@value #NAMESPACE_ENV}, else {@value #DEFAULT_NAMESPACE}; {@value #API_KEY_ENV} is sent as a bearer token.
 */
public record OpenLineageSettings(URI endpoint, Path file, String namespace, String apiKey) {
  public static final String URL_SETTING = "openlineage.url";
  public static final String FILE_SETTING = "openlineage.file";
  /** The settings every operator takes, whatever its flavor. */
  public static final Set<String> OPERATOR_SETTINGS = Set.of(URL_SETTING, FILE_SETTING);
  public static final String URL_ENV = "SPARKSTEP_OPENLINEAGE_URL";
  public static final String FILE_ENV = "SPARKSTEP_OPENLINEAGE_FILE";
  public static final String NAMESPACE_ENV = "SPARKSTEP_OPENLINEAGE_NAMESPACE";
  public static final String API_KEY_ENV = "SPARKSTEP_OPENLINEAGE_API_KEY";
  public static final String DEFAULT_NAMESPACE = "sparkstep";
  /** The OpenLineage HTTP transport's path, added to a URL given without one. */
  static final String LINEAGE_PATH = "/api/v1/lineage";

  public static OpenLineageSettings of(OperatorConfig operator, Map<String, String> env) {
    String url = firstSet(operator == null ? null : operator.get(URL_SETTING), env.get(URL_ENV));
    String file = firstSet(operator == null ? null : operator.get(FILE_SETTING), env.get(FILE_ENV));
    String namespace = firstSet(env.get(NAMESPACE_ENV), DEFAULT_NAMESPACE);
    String apiKey = blankToNull(env.get(API_KEY_ENV));
    if (apiKey != null) {
      Redactor.register(apiKey); // a secret: scrubbed from whatever this process prints
    }
    return new OpenLineageSettings(url == null ? null : endpoint(url), file == null ? null : Paths.get(file),
        namespace, apiKey);
  }

  public boolean enabled() {
    return endpoint != null || file != null;
  }

  /** {@code http://host:5000} posts to {@code http://host:5000/api/v1/lineage}; a URL with a path is kept as is. */
  static URI endpoint(String url) {
    URI given = URI.create(url.trim());
    String path = given.getPath();
    return path == null || path.isEmpty() || path.equals("/") ? given.resolve(LINEAGE_PATH) : given;
  }

  private static String firstSet(String first, String second) {
    String value = blankToNull(first);
    return value != null ? value : blankToNull(second);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  @Override
  public String toString() {
    // never the API key
    return "OpenLineageSettings[endpoint=" + endpoint + ", file=" + file + ", namespace=" + namespace + "]";
  }
}
