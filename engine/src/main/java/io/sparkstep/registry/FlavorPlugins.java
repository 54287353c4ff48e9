package io.sparkstep.registry;

import io.sparkstep.spi.util.UserJars;
import io.sparkstep.spi.util.SparkstepHome;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where flavors come from besides the engine's own class path: each directory under the distribution's
 * {@code plugins/} ({@value #PLUGINS_PROPERTY}, set by {@code bin/sparkstep}) in a class loader of its own, so a
 * flavor's SDK (Netty, Guava, Jackson, protobuf) can differ from Spark's and from another flavor's; and the user's
 * jars ({@link UserJars}: {@code SPARKSTEP_CLASSPATH}, {@code $SPARKSTEP_HOME/plugins}).
 */
public final class FlavorPlugins {
  public static final String PLUGINS_PROPERTY = "sparkstep.plugins";
  /** A plugin's loader is named this and its directory's name, which stack frames show (LoadFailure). */
  static final String LOADER_NAME_PREFIX = "sparkstep-flavor-";

  private FlavorPlugins() {
  }

  /** One loader per plugin directory (sorted by name), then the user's jars' loader. */
  public static List<ClassLoader> loaders() {
    List<ClassLoader> loaders = new ArrayList<>();
    String dir = System.getProperty(PLUGINS_PROPERTY);
    if (dir != null && !dir.isBlank() && Files.isDirectory(Paths.get(dir))) {
      try (Stream<Path> flavors = Files.list(Paths.get(dir))) {
        for (Path flavor : flavors.filter(Files::isDirectory).sorted().toList()) {
          loaders.add(new PluginClassLoader(flavor.getFileName().toString(), jars(flavor),
              FlavorPlugins.class.getClassLoader()));
        }
      } catch (IOException e) {
        System.err.println("sparkstep: warning: cannot list flavor plugins in " + dir + ": " + e.getMessage());
      }
    }
    try {
      loaders.add(UserJars.loader(UserJars.ofEnvironment(SparkstepHome.resolve())));
    } catch (RuntimeException e) {
      System.err.println("sparkstep: warning: user jars skipped: " + e.getMessage());
    }
    return loaders;
  }

  /** {@code plugins/NAME} of this installation; null when there is no plugins directory. */
  public static Path directory(String name) {
    String dir = System.getProperty(PLUGINS_PROPERTY);
    return dir == null || dir.isBlank() ? null : Paths.get(dir).resolve(name);
  }

  /** The plugin directory name of a plugin's loader; null for any other loader. */
  static String pluginName(ClassLoader loader) {
    return loader instanceof PluginClassLoader plugin ? plugin.getName().substring(LOADER_NAME_PREFIX.length()) : null;
  }

  private static URL[] jars(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<URL> urls = new ArrayList<>();
      for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
        try {
          urls.add(jar.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IOException(e);
        }
      }
      return urls.toArray(URL[]::new);
    }
  }

  /**
   * The packages a plugin takes from its parent first (falling back to its own jars only for a class the parent
   * lacks): Sparkstep's API and SPI, Spark, Scala, Hadoop, logging, Jackson and the JDK, so the flavor talks to the
   * same SPI and Spark classes. The dist build checks each plugin against this rule (PluginLayoutCheck).
   */
  private static final String[] PARENT_FIRST = {"java.", "javax.", "jdk.", "sun.", "io.sparkstep.api.",
      "io.sparkstep.spi.", "org.apache.spark.", "scala.", "org.apache.hadoop.", "org.slf4j.",
      "org.apache.logging.log4j.", "org.apache.log4j.", "com.fasterxml.jackson."};
  /** Sparkstep's own packages: past the API and SPI, a plugin sees only its own (the engine stays out of reach). */
  private static final String OURS = "io.sparkstep.";
  private static final String OUR_SERVICES = "META-INF/services/" + OURS;

  /** Whether a plugin loads {@code className} (binary name, e.g. {@code com.google.protobuf.Message}) from its parent. */
  public static boolean sharedWithParent(String className) {
    for (String prefix : PARENT_FIRST) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Child-first for everything but what {@link #sharedWithParent} names; Sparkstep classes outside the API and SPI
   * (the engine) come from the plugin's own jars or not at all.
   */
  static final class PluginClassLoader extends URLClassLoader {

    static {
      ClassLoader.registerAsParallelCapable();
    }

    PluginClassLoader(String name, URL[] urls, ClassLoader parent) {
      super(LOADER_NAME_PREFIX + name, urls, parent);
    }

    /**
     * Our service files from the plugin's own jars only: the parent's name engine classes (the local flavor) that a
     * plugin cannot load, and the parent's providers are found through the parent already.
     */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      return name.startsWith(OUR_SERVICES) ? findResources(name) : super.getResources(name);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          if (sharedWithParent(name)) {
            try {
              loaded = getParent().loadClass(name);
            } catch (ClassNotFoundException e) {
              loaded = findClass(name);
            }
          } else if (name.startsWith(OURS)) {
            loaded = findClass(name);
          } else {
            try {
              loaded = findClass(name);
            } catch (ClassNotFoundException e) {
              loaded = getParent().loadClass(name);
            }
          }
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }
  }
}
