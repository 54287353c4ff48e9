package io.sparkstep.spi.accel;

import java.util.Locale;

/**
 * The accelerators a step can ask for: the jar that brings each, the Spark plugin that switches it on, and the conf
 * profile under {@code spark-conf/} that configures it.
 */
public enum Accelerator {
  NONE(null, null, null),
  /** Apache DataFusion Comet: native CPU execution; the build for Spark 4.1 is why the project is on Spark 4.1.1. */
  COMET(Versions.artifact("comet"),
      "org.apache.spark.CometPlugin", "comet.conf"),
  /** NVIDIA RAPIDS: GPU execution; its jar carries shims for Spark 4.1.1. */
  RAPIDS(Versions.artifact("rapids"), "com.nvidia.spark.SQLPlugin", "gpu.conf");

  /** The coordinates the build wrote from the root pom (accelerators.properties). */
  private static final class Versions {
    private static final java.util.Properties PROPERTIES = new java.util.Properties();

    static {
      try (java.io.InputStream in = Accelerator.class.getResourceAsStream("accelerators.properties")) {
        if (in == null) {
          throw new IllegalStateException("accelerators.properties is missing from the engine jar");
        }
        PROPERTIES.load(in);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    static MavenArtifact artifact(String prefix) {
      return MavenArtifact.fromProperties(PROPERTIES, prefix);
    }
  }

  private final MavenArtifact artifact;
  private final String pluginClass;
  private final String profile;

  Accelerator(MavenArtifact artifact, String pluginClass, String profile) {
    this.artifact = artifact;
    this.pluginClass = pluginClass;
    this.profile = profile;
  }

  public MavenArtifact artifact() {
    return artifact;
  }

  public String pluginClass() {
    return pluginClass;
  }

  /** File name of the conf profile in {@code spark-conf/}. */
  public String profile() {
    return profile;
  }

  /** The name used in specs, records and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What a user may name, for messages: {@code none, comet or rapids}. */
  public static String choices() {
    return "none, comet (native CPU) or rapids (NVIDIA GPU)";
  }

  /** The accelerator named {@code name} (exactly its {@link #id()}), or null when there is none of that name. */
  public static Accelerator byId(String name) {
    for (Accelerator accelerator : values()) {
      if (accelerator.id().equals(name)) {
        return accelerator;
      }
    }
    return null;
  }
}
