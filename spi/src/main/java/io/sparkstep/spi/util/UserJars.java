package io.sparkstep.spi.util;

import io.sparkstep.spi.spec.InvalidSpecException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The jars that hold the user's steps (and custom flavors), named one way wherever they come from:
 * <ol>
 *   <li>{@value #CLASSPATH_ENV}: jars, directories of jars or {@code dir/*}, separated by ':';</li>
 *   <li>{@code --jars} of {@code run}, {@code explain} and {@code steps} (the spec's {@code jars});</li>
 *   <li>an operator's {@value #OPERATOR_SETTING} setting;</li>
 *   <li>{@code $SPARKSTEP_HOME/plugins/*.jar}.</li>
 * </ol>
 * The submitting JVM loads them in one class loader of their own (a child of the engine's), used to validate the
 * spec and to list steps; the same list goes to a cluster as {@code spark.jars}. They are never put on the CLI's own
 * class path, nor into a Spark home, so a step jar can never shadow the engine or Spark.
 */
public final class UserJars {
  public static final String CLASSPATH_ENV = "SPARKSTEP_CLASSPATH";
  public static final String OPERATOR_SETTING = "jars";
  public static final String PLUGINS_DIR = "plugins";

  /** One loader per distinct list of jars, for the life of the JVM: runs of the same jars share their classes. */
  private static final Map<List<String>, ClassLoader> LOADERS = new ConcurrentHashMap<>();

  private UserJars() {
  }

  /**
   * Every user jar for a run, in order (the spec's own first, then the environment, the operator, the plugins), each
   * once; local files as absolute paths, remote URIs (s3a:, local:, https:) as given.
   */
  public static List<String> collect(Collection<String> specJars, Map<String, String> env, String operatorJars,
      Path home) {
    LinkedHashSet<String> jars = new LinkedHashSet<>();
    specJars.forEach(jar -> addEntry(jar, jars, "jars"));
    String classpath = env.get(CLASSPATH_ENV);
    if (classpath != null) {
      for (String entry : classpath.split(File.pathSeparator)) {
        addEntry(entry, jars, CLASSPATH_ENV);
      }
    }
    if (operatorJars != null) {
      for (String entry : operatorJars.split(",")) {
        addEntry(entry, jars, "jars");
      }
    }
    if (home != null) {
      jarsIn(home.resolve(PLUGINS_DIR)).forEach(jar -> jars.add(jar.toString()));
    }
    return new ArrayList<>(jars);
  }

  /** The jars of {@value #CLASSPATH_ENV} and the plugins directory: what every command sees without a spec. */
  public static List<String> ofEnvironment(Path home) {
    return collect(List.of(), System.getenv(), null, home);
  }

  /** The class loader of these jars' local files, shared for the same list; the engine's loader when there are none. */
  public static ClassLoader loader(List<String> jars) {
    List<String> local = jars.stream().filter(UserJars::isLocal).toList();
    ClassLoader engine = UserJars.class.getClassLoader();
    if (local.isEmpty()) {
      return engine;
    }
    return LOADERS.computeIfAbsent(List.copyOf(local), list -> {
      URL[] urls = list.stream().map(UserJars::url).toArray(URL[]::new);
      return new URLClassLoader("sparkstep-user-jars", urls, engine);
    });
  }

  /** A path on this machine (no scheme, or {@code file:}), as opposed to a URI only the cluster can read. */
  public static boolean isLocal(String jar) {
    return !jar.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") || jar.startsWith("file:");
  }

  /** The local file of a local jar entry. */
  public static Path localPath(String jar) {
    return jar.startsWith("file:") ? Paths.get(URI.create(jar)) : Paths.get(jar);
  }

  private static void addEntry(String entry, LinkedHashSet<String> into, String field) {
    String trimmed = entry.trim();
    if (trimmed.isEmpty()) {
      return;
    }
    if (!isLocal(trimmed)) {
      into.add(trimmed);
      return;
    }
    boolean wildcard = trimmed.endsWith("/*") || trimmed.equals("*");
    Path path = localPath(wildcard ? trimmed.substring(0, trimmed.length() - 1) : trimmed).toAbsolutePath()
        .normalize();
    if (Files.isDirectory(path)) {
      List<Path> inside = jarsIn(path);
      if (inside.isEmpty() && !wildcard) {
        throw new InvalidSpecException(field, "'" + entry + "' is a directory without jars",
            "package your classes as a jar (jar cf my-steps.jar -C classes .) and name the jar");
      }
      inside.forEach(jar -> into.add(jar.toString()));
      return;
    }
    if (!Files.isRegularFile(path)) {
      throw new InvalidSpecException(field, "jar '" + entry + "' does not exist", "check the path");
    }
    into.add(path.toString());
  }

  private static List<Path> jarsIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
          .map(Path::toAbsolutePath).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static URL url(String jar) {
    try {
      return localPath(jar).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("not a jar path: " + jar, e);
    }
  }
}
