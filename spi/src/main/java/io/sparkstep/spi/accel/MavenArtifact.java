package io.sparkstep.spi.accel;

/**
 * Coordinates of one jar in a Maven repository, where it lives in the repository layout, and the sha256 it must have
 * (pinned in the root pom; null when not pinned).
 */
public record MavenArtifact(String groupId, String artifactId, String version, String sha256) {

  public MavenArtifact(String groupId, String artifactId, String version) {
    this(groupId, artifactId, version, null);
  }

  /** The artifact {@code prefix} of a properties file ({@code prefix.groupId}, {@code .artifactId}, ...). */
  static MavenArtifact fromProperties(java.util.Properties properties, String prefix) {
    String version = properties.getProperty(prefix + ".version");
    if (version == null || version.contains("${")) {
      throw new IllegalStateException("accelerators.properties has no version for " + prefix
          + " (the engine jar was built without resource filtering)");
    }
    return new MavenArtifact(properties.getProperty(prefix + ".groupId"), properties.getProperty(prefix + ".artifactId"),
        version, properties.getProperty(prefix + ".sha256"));
  }

  public String fileName() {
    return artifactId + "-" + version + ".jar";
  }

  /** Path of the jar relative to a repository root, e.g. {@code org/apache/x/y/1.0/y-1.0.jar}. */
  public String repositoryPath() {
    return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + fileName();
  }

  @Override
  public String toString() {
    return groupId + ":" + artifactId + ":" + version;
  }
}
