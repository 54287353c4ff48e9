package io.sparkstep.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.docker.DockerfileInstructions.Instruction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file tree a Dockerfile builds, laid out under a directory that stands for the image's {@code /}, with the
 * image's environment, working directory and entrypoint, all read from the Dockerfile's instructions. Every
 * instruction must be one this class understands; any other fails the assembly with its line, so the tree cannot
 * drift from the Dockerfile unnoticed.
 *
 * <p>Files are placed as symbolic links to their sources (the context, the base image's stand-in, Maven's jars), so a
 * tree of several hundred MB of jars costs a few thousand links. Scripts are the exception: a script is copied with
 * every image path in it moved under the tree ({@link #relocate}), as are the environment and the arguments of a
 * run, because the tree is not mounted at {@code /}. Only paths the image really holds are moved: a path the
 * Dockerfile does not create stays as written and is missing when the script uses it.
 */
final class ImageTree {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  /** What a FROM line's image gives a stage before its first instruction. */
  interface BaseImage {
    void provide(ImageTree stage) throws IOException;
  }

  /** Where an ADD of a URL comes from here: the file, or null when the check does not fetch it (said in notFetched). */
  interface Downloads {
    Path find(String url, String checksum) throws IOException;
  }

  private final Path root;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Set<String> imagePaths = new TreeSet<>();
  private final List<String> notFetched = new ArrayList<>();
  private List<String> entrypoint = List.of();
  private String workdir = "/";
  private Path javaHome;

  private ImageTree(Path root) {
    this.root = root;
  }

  /** An empty stage rooted at {@code root}, for a base image to fill. */
  static ImageTree empty(Path root) throws IOException {
    return new ImageTree(Files.createDirectories(root).toAbsolutePath());
  }

  /**
   * Builds the image of {@code dockerfile} under {@code dir}: each stage in a directory of its own, the last one the
   * image. {@code baseImages} maps an image name prefix (e.g. {@code apache/spark:}) to its stand-in.
   */
  static ImageTree assemble(Path dockerfile, Path context, Map<String, String> buildArgs,
                            Map<String, BaseImage> baseImages, Downloads downloads, Path dir) throws IOException {
    List<Instruction> instructions = DockerfileInstructions.read(dockerfile);
    Map<String, String> globalArgs = new LinkedHashMap<>();
    Map<String, String> stageArgs = new LinkedHashMap<>();
    Map<String, ImageTree> stages = new LinkedHashMap<>();
    ImageTree stage = null;
    for (Instruction i : instructions) {
      if (stage == null && !i.keyword().equals("ARG") && !i.keyword().equals("FROM")) {
        throw notUnderstood(i, "only ARG may come before the first FROM");
      }
      switch (i.keyword()) {
        case "ARG" -> {
          String name = single(i);
          String value = buildArgs.get(name);
          if (value == null || name.contains("=")) {
            throw notUnderstood(i, "an ARG without a default whose value the build passes (versions.env)");
          }
          (stage == null ? globalArgs : stageArgs).put(name, value);
        }
        case "FROM" -> {
          String image = substitute(i, i.words().get(0), globalArgs, Map.of());
          String name = i.words().size() == 3 && i.words().get(1).equalsIgnoreCase("AS") ? i.words().get(2) : null;
          if (i.words().size() != 1 && name == null) {
            throw notUnderstood(i, "FROM IMAGE [AS NAME]");
          }
          stage = empty(dir.resolve(name != null ? "stage-" + name : "stage-" + stages.size()));
          stages.put(name != null ? name : String.valueOf(stages.size()), stage);
          stageArgs = new LinkedHashMap<>();
          baseImage(i, image, baseImages).provide(stage);
        }
        case "USER", "LABEL" -> {
          // who runs it and its metadata: no file, no class path
        }
        case "WORKDIR" -> {
          stage.workdir = single(i);
          stage.createDirectory(stage.workdir);
        }
        case "ENV" -> stage.env(i, stageArgs);
        case "COPY" -> stage.copy(i, context, stages);
        case "ADD" -> stage.add(i, stageArgs, downloads);
        case "RUN" -> stage.run(i);
        case "ENTRYPOINT" -> stage.entrypoint = jsonArray(i);
        default -> throw notUnderstood(i, "no image tree rule for " + i.keyword());
      }
    }
    if (stage == null) {
      throw new IllegalArgumentException(dockerfile + " has no FROM");
    }
    stage.relocateScripts();
    return stage;
  }

  Path root() {
    return root;
  }

  /** The image's environment as the Dockerfile states it (image paths, not the tree's). */
  Map<String, String> env() {
    return env;
  }

  List<String> entrypoint() {
    return entrypoint;
  }

  String workdir() {
    return workdir;
  }

  /** The URLs the Dockerfile ADDs that this tree does not hold (not fetched here). */
  List<String> notFetched() {
    return notFetched;
  }

  /** The tree's file for an image path. */
  Path file(String imagePath) {
    return root.resolve(imagePath.replaceFirst("^/+", ""));
  }

  // --- what a base image stand-in uses ---

  void putEnv(String name, String value) {
    env.put(name, value);
  }

  void setEntrypoint(List<String> command) {
    entrypoint = List.copyOf(command);
  }

  void setWorkdir(String path) throws IOException {
    workdir = path;
    createDirectory(path);
  }

  /** The JDK this stage runs with (a base image's or one its RUN installs): the JDK running this check. */
  void installJdk(Path home) {
    javaHome = home;
  }

  Path createDirectory(String imagePath) throws IOException {
    imagePaths.add(normalized(imagePath));
    return Files.createDirectories(file(imagePath));
  }

  /** Places {@code source} at the image path: a link to it, or a copy when it is a script (relocated at the end). */
  void placeFile(Path source, String imagePath) throws IOException {
    imagePaths.add(normalized(imagePath));
    Path target = file(imagePath);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Files.createSymbolicLink(target, source.toAbsolutePath().toRealPath());
  }

  /**
   * Starts this stage as {@code base}: its files (links to the same sources), environment, working directory and
   * entrypoint, for an image built FROM it. Its scripts stay relocated into the base's tree.
   */
  void inherit(ImageTree base) throws IOException {
    try (Stream<Path> walk = Files.walk(base.root)) {
      for (Path p : walk.toList()) {
        Path target = root.resolve(base.root.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, p);
        }
      }
    }
    imagePaths.addAll(base.imagePaths);
    env.putAll(base.env);
    entrypoint = base.entrypoint;
    workdir = base.workdir;
    javaHome = base.javaHome;
  }

  /** A file of the given text, e.g. a script of a base image's stand-in. */
  void writeFile(String imagePath, String text, String permissions) throws IOException {
    imagePaths.add(normalized(imagePath));
    Path target = file(imagePath);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Files.writeString(target, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(permissions));
  }

  /** Marks a path the stand-in wrote by other means as the image's. */
  void claim(String imagePath) {
    imagePaths.add(normalized(imagePath));
  }

  // --- instructions ---

  private void env(Instruction i, Map<String, String> args) {
    for (String assignment : i.words()) {
      int eq = assignment.indexOf('=');
      if (eq <= 0 || assignment.contains("\"") || assignment.contains("'")) {
        throw notUnderstood(i, "ENV NAME=VALUE ... with unquoted values");
      }
      Map<String, String> scope = new LinkedHashMap<>(env);
      scope.putAll(args);
      env.put(assignment.substring(0, eq), substitute(i, assignment.substring(eq + 1), scope, Map.of()));
    }
  }

  private void copy(Instruction i, Path context, Map<String, ImageTree> stages) throws IOException {
    Set<String> known = Set.of("from", "chmod");
    if (!known.containsAll(i.flags().keySet()) || i.words().size() < 2) {
      throw notUnderstood(i, "COPY [--from=STAGE] [--chmod=MODE] SOURCE... DEST");
    }
    String dest = i.words().get(i.words().size() - 1);
    List<String> sources = i.words().subList(0, i.words().size() - 1);
    String from = i.flags().get("from");
    ImageTree stage = from == null ? null : stages.get(from);
    if (from != null && stage == null) {
      throw notUnderstood(i, "--from names no earlier stage");
    }
    if (sources.size() > 1 && !dest.endsWith("/")) {
      throw notUnderstood(i, "several sources need a directory destination ending in /");
    }
    for (String source : sources) {
      Path path = stage == null ? context.resolve(source) : stage.file(source);
      if (!Files.exists(path)) {
        throw new IllegalStateException(i.where() + ": " + source + " does not exist in "
            + (stage == null ? "the build context " + context : "stage " + from));
      }
      if (Files.isDirectory(path)) {
        copyDirectory(path, dest, i.flags().get("chmod"));
      } else {
        String target = dest.endsWith("/") ? dest + path.getFileName() : dest;
        copyFile(path, target, i.flags().get("chmod"));
      }
    }
  }

  private void copyDirectory(Path dir, String dest, String chmod) throws IOException {
    createDirectory(dest);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        String target = normalized(dest) + "/" + dir.relativize(p).toString().replace('\\', '/');
        if (Files.isDirectory(p)) {
          createDirectory(target);
        } else {
          copyFile(p, target, chmod);
        }
      }
    }
  }

  private void copyFile(Path source, String imagePath, String chmod) throws IOException {
    if (chmod == null) {
      placeFile(source, imagePath);
      return;
    }
    // A mode of its own: the file is the image's copy, not a link to the context's.
    imagePaths.add(normalized(imagePath));
    Path target = file(imagePath);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Files.copy(source, target);
    Files.setPosixFilePermissions(target, mode(chmod));
  }

  private void add(Instruction i, Map<String, String> args, Downloads downloads) throws IOException {
    Set<String> known = Set.of("checksum", "chmod");
    if (!known.containsAll(i.flags().keySet()) || i.words().size() != 2 || !i.words().get(0).startsWith("https://")) {
      throw notUnderstood(i, "ADD [--checksum=sha256:HEX] [--chmod=MODE] https://URL DEST (context files go by COPY)");
    }
    String url = substitute(i, i.words().get(0), args, env);
    String checksum = i.flags().containsKey("checksum") ? substitute(i, i.flags().get("checksum"), args, env) : null;
    if (checksum == null || !checksum.matches("sha256:[0-9a-f]{64}")) {
      throw notUnderstood(i, "a download without a sha256 checksum");
    }
    String dest = i.words().get(1);
    String name = url.substring(url.lastIndexOf('/') + 1);
    String target = dest.endsWith("/") ? dest + name : dest;
    createDirectory(dest.endsWith("/") ? dest : target.substring(0, target.lastIndexOf('/') + 1));
    Path file = downloads.find(url, checksum.substring("sha256:".length()));
    if (file == null) {
      notFetched.add(url);
      return;
    }
    copyFile(file, target, null);
  }

  /** RUN lines: each {@code &&} command must be one whose effect on the tree is known. */
  private void run(Instruction i) throws IOException {
    for (String command : i.rest().split("\\s*&&\\s*")) {
      String c = command.strip();
      Matcher m;
      if (c.equals("apt-get update") || c.startsWith("rm -rf /var/lib/apt/lists/")
          || c.matches("groupadd --system --gid \\d+ \\w+") || c.matches("useradd --system .*")
          || c.matches("chmod -R a\\+rX \\S+") || c.matches("chown \\w+:\\w+ \\S+")) {
        continue; // package indexes, users and permission bits: nothing a class path or a path depends on
      } else if ((m = Pattern.compile("(?:DEBIAN_FRONTEND=noninteractive )?apt-get install -y "
          + "(?:--no-install-recommends )?(.+)").matcher(c)).matches()) {
        for (String pkg : m.group(1).split("\\s+")) {
          switch (pkg) {
            case "openjdk-17-jre-headless" -> installJdk(Path.of(System.getProperty("java.home")));
            case "tini", "procps" -> {
              // process tools the stand-in entrypoint does without
            }
            default -> throw notUnderstood(i, "apt package " + pkg + " has no image tree rule");
          }
        }
      } else if ((m = Pattern.compile("mkdir -p (\\S+)").matcher(c)).matches()) {
        createDirectory(m.group(1));
      } else if ((m = Pattern.compile("ln -s \"\\$\\(dirname \"\\$\\(dirname \"\\$\\(readlink -f "
          + "\"\\$\\(command -v java\\)\"\\)\"\\)\"\\)\" (\\S+)").matcher(c)).matches()) {
        if (javaHome == null) {
          throw notUnderstood(i, "links the home of a java that no earlier instruction installed");
        }
        claim(m.group(1));
        Path link = file(m.group(1));
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, javaHome.toRealPath());
      } else {
        throw notUnderstood(i, "no image tree rule for the command '" + c + "'");
      }
    }
  }

  // --- running it ---

  /**
   * Moves the image paths in {@code text} under the tree: every absolute path, where it starts a word, a value or a
   * URI's path ({@code local:///opt/...}), that the image holds, lies under a path it holds, or leads to one.
   */
  String relocate(String text) {
    return ABSOLUTE_PATH.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
        inImage(m.group()) ? root + m.group() : m.group()));
  }

  private static final Pattern ABSOLUTE_PATH = Pattern.compile(
      "(?:(?<=^)|(?<=[\\s\"'=:(,{-])|(?<=://))/(?!/)[A-Za-z0-9._+*/-]*");

  private boolean inImage(String path) {
    String p = normalized(path);
    if (p.equals("/")) {
      return false;
    }
    for (String held : imagePaths) {
      if (p.equals(held) || p.startsWith(held + "/") || held.startsWith(p + "/")) {
        return true;
      }
    }
    return false;
  }

  /** The environment a process of the image starts with, paths moved under the tree. */
  Map<String, String> relocatedEnv() {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, relocate(v)));
    return out;
  }

  private void relocateScripts() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> Files.isRegularFile(p)).toList();
    }
    for (Path p : files) {
      if (!isScript(p)) {
        continue;
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
      String text = relocate(Files.readString(p, StandardCharsets.UTF_8));
      if (Files.isSymbolicLink(p)) {
        Files.delete(p);
      }
      Files.writeString(p, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(p, mode);
    }
  }

  private static boolean isScript(Path p) throws IOException {
    if (Files.size(p) > 1 << 20) {
      return false;
    }
    byte[] start = new byte[2];
    try (var in = Files.newInputStream(p)) {
      return in.read(start) == 2 && start[0] == '#' && start[1] == '!';
    }
  }

  // --- helpers ---

  private static BaseImage baseImage(Instruction i, String image, Map<String, BaseImage> baseImages) {
    return baseImages.entrySet().stream().filter(e -> image.startsWith(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElseThrow(() -> notUnderstood(i, "no stand-in for the base image " + image));
  }

  private static String single(Instruction i) {
    if (i.words().size() != 1) {
      throw notUnderstood(i, i.keyword() + " takes one word here");
    }
    return i.words().get(0);
  }

  private static List<String> jsonArray(Instruction i) {
    try {
      return List.of(JSON.readValue(i.rest(), String[].class));
    } catch (IOException e) {
      throw notUnderstood(i, "the exec form, a JSON array of strings");
    }
  }

  private static String substitute(Instruction i, String text, Map<String, String> values, Map<String, String> more) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = values.containsKey(name) ? values.get(name) : more.get(name);
      if (value == null) {
        throw notUnderstood(i, "$" + name + " has no value at this point");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  private static Set<PosixFilePermission> mode(String octal) {
    int bits = Integer.parseInt(octal, 8);
    Set<PosixFilePermission> mode = new LinkedHashSet<>();
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int b = 0; b < order.length; b++) {
      if ((bits & (1 << b)) != 0) {
        mode.add(order[b]);
      }
    }
    return mode;
  }

  private static String normalized(String imagePath) {
    String p = imagePath.replaceAll("/+$", "");
    return p.isEmpty() ? "/" : p;
  }

  static IllegalStateException notUnderstood(Instruction i, String why) {
    return new IllegalStateException(i.where() + " -- not understood by the image tree check (" + why
        + "): teach ImageTree its effect or change the line");
  }
}
