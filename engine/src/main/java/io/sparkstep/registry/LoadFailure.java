package io.sparkstep.registry;

import java.nio.file.Path;
import java.util.ServiceConfigurationError;

/**
 * A class that could not be loaded or initialised (a {@link LinkageError} such as NoClassDefFoundError or
 * ExceptionInInitializerError, or a {@link ServiceConfigurationError}), said in one line, and the flavor plugin whose
 * loader it happened in. Such an error means the installation is broken (a jar missing or at a clashing version), not
 * the user's input or the platform, so the CLI reports it as exit 3 with the plugin directory to look at.
 */
public final class LoadFailure {
  private LoadFailure() {
  }

  /** Whether {@code e} or one of its causes is a failure to load or initialise a class. */
  public static boolean isLoadFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LinkageError || t instanceof ServiceConfigurationError) {
        return true;
      }
    }
    return false;
  }

  /**
   * What failed, one line: e.g. {@code class org.reactivestreams.Publisher not found (NoClassDefFoundError in
   * com.azure.core.util.logging.ClientLogger)}, or {@code class io.sparkstep.flavor.vertex.VertexSettings failed to
   * initialise: ProtobufRuntimeVersionException: Detected incompatible Protobuf ...}.
   */
  public static String describe(Throwable e) {
    Throwable failure = firstLoadFailure(e);
    if (failure instanceof ServiceConfigurationError && failure.getCause() != null) {
      return firstLine(failure.getMessage()) + ": " + describe(failure.getCause());
    }
    if (failure instanceof ExceptionInInitializerError init && init.getCause() != null) {
      Throwable cause = init.getCause();
      String initialising = initialisingClass(cause);
      return (initialising == null ? "a class" : "class " + initialising) + " failed to initialise: "
          + cause.getClass().getSimpleName() + ": " + firstLine(String.valueOf(cause.getMessage()));
    }
    if (failure instanceof NoClassDefFoundError missing) {
      String message = String.valueOf(missing.getMessage());
      String where = failure.getStackTrace().length == 0 ? "" : " in " + failure.getStackTrace()[0].getClassName();
      return message.startsWith("Could not initialize class")
          ? firstLine(message) + where + " (it failed to initialise earlier)"
          : "class " + message.replace('/', '.') + " not found (NoClassDefFoundError" + where + ")";
    }
    Throwable shown = failure == null ? e : failure;
    return shown.getClass().getSimpleName() + ": " + firstLine(String.valueOf(shown.getMessage()));
  }

  /**
   * The plugin directory name ({@code plugins/NAME}) whose class loader defined a class on {@code e}'s stack, the
   * innermost first; null when none did (the failure is in lib/ or the user's jars).
   */
  public static String plugin(Throwable e) {
    String found = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (StackTraceElement frame : t.getStackTrace()) {
        String loader = frame.getClassLoaderName();
        if (loader != null && loader.startsWith(FlavorPlugins.LOADER_NAME_PREFIX)) {
          found = loader.substring(FlavorPlugins.LOADER_NAME_PREFIX.length());
          break;
        }
      }
    }
    return found;
  }

  /** One line for the CLI: where (the plugin and its directory, else the installation), what, and the fix. */
  public static String sentence(Throwable e) {
    String plugin = plugin(e);
    if (plugin == null) {
      return describe(e) + "; a jar of the installation (lib/) or of SPARKSTEP_CLASSPATH is missing or at a clashing "
          + "version: reinstall Sparkstep, or remove the jar that brings the other version";
    }
    Path dir = FlavorPlugins.directory(plugin);
    return "flavor plugin " + plugin + (dir == null ? "" : " (" + dir + ")") + ": " + describe(e)
        + "; the plugin's jars are incomplete or clash with lib/: reinstall Sparkstep (plugins/" + plugin
        + "/dependencies.txt lists what it needs)";
  }

  private static Throwable firstLoadFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LinkageError || t instanceof ServiceConfigurationError) {
        return t;
      }
    }
    return null;
  }

  /** The class whose static initialiser threw {@code cause}: the first {@code <clinit>} frame on its stack. */
  private static String initialisingClass(Throwable cause) {
    for (StackTraceElement frame : cause.getStackTrace()) {
      if (frame.getMethodName().equals("<clinit>")) {
        return frame.getClassName();
      }
    }
    return null;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
