package io.sparkstep.accel;

/** Coordinates of one jar in a Maven repository, and where it lives in the repository layout. */
public record MavenArtifact(String groupId, String artifactId, String version) {

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
