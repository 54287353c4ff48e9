package io.sparkstep.util;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ServiceLoader that skips a broken provider (a missing class, a constructor that throws, a bad services line) with
 * one warning line naming the jar that lists it, as Trino and Flink skip a broken plugin: one bad jar on the class
 * path must not break every command.
 */
public final class ServiceProviders {
  private static final Pattern PROVIDER = Pattern.compile("Provider ([\\w.$]+)");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private ServiceProviders() {
  }

  public static <T> List<T> load(Class<T> type, ClassLoader loader) {
    return load(type, loader, failure -> warn(type, failure));
  }

  /**
   * The providers that load; each one that does not goes to {@code failures} (instead of a warning), for a caller
   * that reports it its own way.
   */
  public static <T> List<T> load(Class<T> type, ClassLoader loader, Consumer<Failure> failures) {
    List<T> providers = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    for (int guard = 0; guard < 10_000; guard++) {
      try {
        if (!it.hasNext()) {
          break;
        }
        providers.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        failures.accept(failure(type, loader, e));
      }
    }
    return providers;
  }

  /**
   * A provider that did not load.
   *
   * @param provider its class name, when the error names it
   * @param jar the jar (or directory) whose services file lists it, when found
   * @param error what the ServiceLoader threw
   */
  public record Failure(String provider, String jar, Throwable error) {
  }

  private static Failure failure(Class<?> type, ClassLoader loader, Throwable e) {
    String provider = null;
    Matcher matcher = PROVIDER.matcher(String.valueOf(e.getMessage()));
    if (matcher.find()) {
      provider = matcher.group(1);
    }
    return new Failure(provider, provider == null ? null : listingJar(type, loader, provider), e);
  }

  private static void warn(Class<?> type, Failure failure) {
    Throwable e = failure.error();
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String line = "sparkstep: warning: skipped " + type.getSimpleName() + " provider "
        + (failure.provider() == null ? "" : failure.provider() + " ")
        + (failure.jar() == null ? "" : "from " + failure.jar() + " ")
        + "(" + firstLine(cause.toString()) + ")";
    if (WARNED.add(line)) {
      System.err.println(line);
    }
  }

  /** The jar (or directory) whose services file lists {@code provider}. */
  private static String listingJar(Class<?> type, ClassLoader loader, String provider) {
    try {
      Enumeration<URL> files = (loader == null ? ClassLoader.getSystemClassLoader() : loader)
          .getResources("META-INF/services/" + type.getName());
      while (files.hasMoreElements()) {
        URL url = files.nextElement();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
          if (reader.lines().map(l -> l.replaceAll("#.*", "").trim()).anyMatch(provider::equals)) {
            String text = url.toString();
            int bang = text.indexOf("!/");
            return (bang > 0 ? text.substring(0, bang) : text).replaceFirst("^jar:", "").replaceFirst("^file:", "");
          }
        }
      }
    } catch (IOException ignored) {
      // the warning goes out without the jar's name
    }
    return null;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
