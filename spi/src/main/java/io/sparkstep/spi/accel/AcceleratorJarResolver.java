package io.sparkstep.spi.accel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * Finds an accelerator jar, downloading it into the local Maven repository the first time a step needs it.
 *
 * <p>Where it looks, in order:
 * <ol>
 *   <li>{@code $SPARKSTEP_ACCELERATOR_JARS}: a directory (or several, separated by ':') holding the jar under its
 *       Maven file name; images set it (see {@link #IMAGE_DIR}), and then nothing is ever downloaded;</li>
 *   <li>{@value #IMAGE_DIR}, the path convention inside Sparkstep images;</li>
 *   <li>the local Maven repository ({@code -Dmaven.repo.local}, {@code $SPARKSTEP_MAVEN_LOCAL}, else
 *       {@code ~/.m2/repository}), where a previous run or {@code mvn} left it;</li>
 *   <li>a download from {@code $SPARKSTEP_MAVEN_REPO} (default Maven Central) into that local repository, checked
 *       against the sha256 pinned in the root pom (accelerators.properties), with a progress line.</li>
 * </ol>
 *
 * <p>Why not Maven itself: Maven's resolver always reads the artifact's POM, and the RAPIDS POM names a parent POM
 * that Central does not serve, so {@code mvn dependency:get}/{@code copy} fail on it; both accelerators are single
 * self-contained jars, so fetching the one file by its repository path is all that is needed, and it keeps Maven's
 * model libraries out of the engine jar that every cluster loads.
 */
public final class AcceleratorJarResolver {
  public static final String JARS_ENV = "SPARKSTEP_ACCELERATOR_JARS";
  public static final String IMAGE_DIR = "/opt/sparkstep/accelerators";
  public static final String LOCAL_REPO_ENV = "SPARKSTEP_MAVEN_LOCAL";
  public static final String REMOTE_REPO_ENV = "SPARKSTEP_MAVEN_REPO";
  public static final String CENTRAL = "https://repo.maven.apache.org/maven2";

  private final Map<String, String> env;
  private final Path localRepository;
  private final String remoteRepository;
  private final PrintStream progress;

  public AcceleratorJarResolver(Map<String, String> env, Path localRepository, String remoteRepository,
                                PrintStream progress) {
    this.env = env;
    this.localRepository = localRepository;
    this.remoteRepository = remoteRepository.endsWith("/") ? remoteRepository.substring(0, remoteRepository.length() - 1)
        : remoteRepository;
    this.progress = progress;
  }

  /** The resolver for this process: its environment, the user's local repository, progress on stderr. */
  public static AcceleratorJarResolver fromEnvironment() {
    Map<String, String> env = System.getenv();
    String local = System.getProperty("maven.repo.local", env.get(LOCAL_REPO_ENV));
    Path localRepo = local != null && !local.isBlank() ? Paths.get(local)
        : Paths.get(System.getProperty("user.home"), ".m2", "repository");
    String remote = env.getOrDefault(REMOTE_REPO_ENV, CENTRAL);
    return new AcceleratorJarResolver(env, localRepo, remote, System.err);
  }

  /** The jar already on this machine, without downloading; null when it must be downloaded. */
  public Path findLocal(MavenArtifact artifact) {
    String dirs = env.get(JARS_ENV);
    if (dirs != null && !dirs.isBlank()) {
      for (String dir : dirs.split(":")) {
        Path candidate = Paths.get(dir.trim()).resolve(artifact.fileName());
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    Path image = Paths.get(IMAGE_DIR).resolve(artifact.fileName());
    if (Files.isRegularFile(image)) {
      return image;
    }
    Path cached = localRepository.resolve(artifact.repositoryPath());
    return Files.isRegularFile(cached) ? cached : null;
  }

  /**
   * The jar as a local file, downloaded into the local repository when absent.
   *
   * @throws AcceleratorJarException when it is neither here nor downloadable; the message says where it looked
   */
  public Path resolve(MavenArtifact artifact) {
    Path local = findLocal(artifact);
    if (local != null) {
      return local;
    }
    if (env.get(JARS_ENV) != null && !env.get(JARS_ENV).isBlank()) {
      // An image that declares its jar directory must not download at run time: the image is incomplete.
      throw new AcceleratorJarException(artifact, artifact.fileName() + " is not in " + JARS_ENV + "=" + env.get(JARS_ENV)
          + "; add it to the image or unset " + JARS_ENV + " to download it");
    }
    return download(artifact);
  }

  private Path download(MavenArtifact artifact) {
    Path target = localRepository.resolve(artifact.repositoryPath());
    String url = remoteRepository + "/" + artifact.repositoryPath();
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20)).build();
    Path partial = null;
    try {
      // The pinned sha256 from the root pom, not a checksum from the server that served the jar; the repository's
      // SHA-1 only for an artifact that has no pin.
      boolean pinned = artifact.sha256() != null && !artifact.sha256().isBlank();
      String expected = pinned ? artifact.sha256() : fetchSha1(client, url + ".sha1");
      Files.createDirectories(target.getParent());
      partial = Files.createTempFile(target.getParent(), artifact.fileName(), ".part");
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new AcceleratorJarException(artifact, url + " answered HTTP " + response.statusCode()
            + "; check the version, or set " + REMOTE_REPO_ENV + " to a repository that has it");
      }
      long total = response.headers().firstValueAsLong("content-length").orElse(-1);
      progress.println("sparkstep: downloading " + artifact + " (" + megabytes(total) + ") from " + remoteRepository
          + " into " + localRepository + " (once)");
      String algorithm = pinned ? "SHA-256" : "SHA-1";
      String actual = copyWithProgress(response.body(), partial, total, artifact, algorithm);
      if (expected != null && !expected.equalsIgnoreCase(actual)) {
        throw new AcceleratorJarException(artifact, "the download of " + url + " does not match its "
            + (pinned ? "pinned " : "repository's ") + algorithm + " (got " + actual + ", expected " + expected
            + "); run again, or check " + REMOTE_REPO_ENV);
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new AcceleratorJarException(artifact, "cannot download " + url + ": " + e
          + "; check the network, or put the jar in " + localRepository.resolve(artifact.repositoryPath()).getParent()
          + " or a directory named by " + JARS_ENV);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AcceleratorJarException(artifact, "download of " + url + " interrupted; run again");
    } finally {
      if (partial != null) {
        try {
          Files.deleteIfExists(partial);
        } catch (IOException ignored) {
          // a leftover .part file is harmless: it never has the jar's name
        }
      }
    }
  }

  private static String fetchSha1(HttpClient client, String url) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
    if (response.statusCode() != 200) {
      return null;
    }
    String text = response.body().trim();
    int space = text.indexOf(' ');
    return space > 0 ? text.substring(0, space) : text;
  }

  private String copyWithProgress(InputStream in, Path file, long total, MavenArtifact artifact, String algorithm)
      throws IOException {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long done = 0;
    long lastReport = System.nanoTime();
    byte[] buffer = new byte[1 << 16];
    try (InputStream body = in; OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = body.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        sha1.update(buffer, 0, n);
        done += n;
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          lastReport = System.nanoTime();
          progress.println("sparkstep: " + artifact.artifactId() + " " + megabytes(done)
              + (total > 0 ? " of " + megabytes(total) + " (" + (done * 100 / total) + "%)" : ""));
        }
      }
    }
    progress.println("sparkstep: " + artifact.artifactId() + " downloaded, " + megabytes(done));
    return HexFormat.of().formatHex(sha1.digest());
  }

  private static String megabytes(long bytes) {
    return bytes < 0 ? "size unknown" : (bytes / (1024 * 1024)) + " MB";
  }
}
