package io.sparkstep.dist;

import io.sparkstep.registry.FlavorPlugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Whether each plugin directory of the distribution ({@code plugins/FLAVOR/}) gives its flavor, under the plugin
 * loader's rule ({@link FlavorPlugins#sharedWithParent}), every library at the version the flavor's own module
 * resolved ({@code plugins/FLAVOR/dependencies.txt}, written by maven-dependency-plugin there):
 * <ul>
 *   <li>a library whose classes the loader takes from its parent (Jackson, slf4j, ...) must be in {@code lib/} at that
 *       version, or absent from {@code lib/} and in the plugin directory (the loader falls back to the plugin's own);
 *   <li>any other library must be in the plugin directory at that version, and only at that version: the loader
 *       looks there first, and only a class missing there comes from {@code lib/}, whatever version that is.
 * </ul>
 * Jars are named {@code ARTIFACT-VERSION[-CLASSIFIER].jar}, as the assembly writes them.
 */
final class PluginLayoutCheck {
  /** The plugin's resolution, one artifact per line, as maven-dependency-plugin's {@code list} goal writes it. */
  static final String DEPENDENCY_LIST = "dependencies.txt";

  private final Path lib;

  PluginLayoutCheck(Path lib) {
    this.lib = lib;
  }

  /** The problems of every plugin directory under {@code plugins}, one readable line each; empty when consistent. */
  List<String> problems(Path plugins) {
    List<String> problems = new ArrayList<>();
    for (Path plugin : list(plugins).stream().filter(Files::isDirectory).toList()) {
      problems.addAll(problemsOf(plugin));
    }
    return problems;
  }

  List<String> problemsOf(Path plugin) {
    String flavor = plugin.getFileName().toString();
    Path listFile = plugin.resolve(DEPENDENCY_LIST);
    if (!Files.isRegularFile(listFile)) {
      return List.of("plugin " + flavor + ": no " + DEPENDENCY_LIST + " in " + plugin
          + ", so its jars cannot be checked: build it from the flavor module's plugin zip (flavors/plugin-assembly.xml)");
    }
    List<String> problems = new ArrayList<>();
    List<ResolvedJar> needed = ResolvedJar.parse(read(listFile));
    for (ResolvedJar jar : needed) {
      String problem = problemOf(flavor, plugin, jar);
      if (problem != null) {
        problems.add(problem);
      }
    }
    for (ResolvedJar jar : needed) {
      for (Path other : versionsOf(plugin, jar.artifact())) {
        boolean resolved = needed.stream().anyMatch(n -> n.artifact().equals(jar.artifact())
            && n.fileName().equals(other.getFileName().toString()));
        if (!resolved && problems.stream().noneMatch(p -> p.contains(other.toString()))) {
          problems.add("plugin " + flavor + ": " + other + " is a version of " + jar.coordinates()
              + " that the flavor did not resolve (it resolved " + jar.version() + "): remove it");
        }
      }
    }
    return problems;
  }

  private String problemOf(String flavor, Path plugin, ResolvedJar jar) {
    Path own = plugin.resolve(jar.fileName());
    boolean ownPresent = Files.isRegularFile(own);
    List<Path> parentVersions = versionsOf(lib, jar.artifact());
    List<Path> ownVersions = versionsOf(plugin, jar.artifact());
    Optional<Path> sample = ownPresent ? Optional.of(own)
        : Stream.concat(ownVersions.stream(), parentVersions.stream()).findFirst();
    String prefix = "plugin " + flavor + ": needs " + jar.coordinates() + " " + jar.version();
    if (sample.isEmpty()) {
      return prefix + ", but neither " + plugin + " nor " + lib + " has it (NoClassDefFoundError when used): add "
          + jar.fileName() + " to " + plugin;
    }
    if (takenFromParent(sample.get())) {
      if (parentVersions.isEmpty()) {
        return ownPresent ? null : prefix + ", which is neither in " + lib + " nor in " + plugin + ": add "
            + jar.fileName() + " to " + plugin;
      }
      Path parentJar = lib.resolve(jar.fileName());
      if (Files.isRegularFile(parentJar) && parentVersions.size() == 1) {
        return null;
      }
      return prefix + ", but the plugin loader takes its classes from the parent, which has "
          + names(parentVersions) + ": make the flavor resolve the parent's version (the flavor's pom) so both agree";
    }
    if (ownPresent) {
      return null;
    }
    if (!ownVersions.isEmpty()) {
      return prefix + ", but " + plugin + " has only " + names(ownVersions) + ", which the plugin loader would use: "
          + "replace it with " + jar.fileName();
    }
    return prefix + ", but " + plugin + " has no " + jar.artifact() + " jar, so the plugin loader would take "
        + names(parentVersions) + " from the parent instead: add " + jar.fileName() + " there";
  }

  /** Whether every class of {@code jar} is in a package the plugin loader takes from its parent first. */
  static boolean takenFromParent(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> classes = file.stream().map(e -> e.getName())
          .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
          .map(n -> n.replaceFirst("^META-INF/versions/\\d+/", ""))
          .toList();
      return !classes.isEmpty() && classes.stream()
          .allMatch(n -> FlavorPlugins.sharedWithParent(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }

  /** The jars of {@code artifact} in {@code dir}, any version: {@code ARTIFACT-DIGIT...jar}. */
  private static List<Path> versionsOf(Path dir, String artifact) {
    return list(dir).stream().filter(p -> {
      String name = p.getFileName().toString();
      return name.endsWith(".jar") && name.length() > artifact.length() + 1 && name.startsWith(artifact + "-")
          && Character.isDigit(name.charAt(artifact.length() + 1));
    }).toList();
  }

  private static String names(List<Path> jars) {
    return String.join(", ", jars.stream().map(Path::toString).toList());
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** One jar of a flavor's resolution: {@code group:artifact:jar[:classifier]:version:scope}. */
  record ResolvedJar(String group, String artifact, String classifier, String version) {
    static List<ResolvedJar> parse(String listing) {
      List<ResolvedJar> jars = new ArrayList<>();
      for (String line : listing.split("\n")) {
        // "   com.google.protobuf:protobuf-java:jar:4.33.2:compile -- module com.google.protobuf"
        String[] parts = line.trim().split("\\s+")[0].split(":");
        if (parts.length == 5 && parts[2].equals("jar")) {
          jars.add(new ResolvedJar(parts[0], parts[1], "", parts[3]));
        } else if (parts.length == 6 && parts[2].equals("jar")) {
          jars.add(new ResolvedJar(parts[0], parts[1], parts[3], parts[4]));
        }
      }
      return jars;
    }

    String coordinates() {
      return group + ":" + artifact + (classifier.isEmpty() ? "" : ":" + classifier);
    }

    String fileName() {
      return artifact + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
    }
  }
}
