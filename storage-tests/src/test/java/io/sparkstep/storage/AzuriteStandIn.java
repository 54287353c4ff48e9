package io.sparkstep.storage;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;

/**
 * Azurite (the npm package azurite 3.37.0, Microsoft's Azure Storage emulator) serving the Blob endpoint on a free
 * loopback port, as a Node process of its own, with one account whose key the tests hand to runs only through the
 * environment. Azurite is installed by the test under {@code target/azurite} on first use; on a machine without node
 * and npm the tests that need it are skipped with the reason.
 */
final class AzuriteStandIn implements AutoCloseable {
  static final String VERSION = "3.37.0";
  static final String ACCOUNT = "sparkstep";
  /** Base64 of a made-up key: Azurite accepts any account:key pair it is started with. */
  static final String ACCOUNT_KEY = "c3BhcmtzdGVwLWF6dXJpdGUta2V5LW5ldmVyLWxvZ2dlZC0wMTIzNDU2Nzg5";

  private final Process process;
  private final int port;
  private final Path log;

  private AzuriteStandIn(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts Azurite's Blob service, installing Azurite first if needed; skips the calling test when npm is missing to
   * install it (node itself is the test class's {@code @EnabledIf}).
   */
  static AzuriteStandIn start(Path workDir) throws IOException, InterruptedException {
    Path install = Path.of(System.getProperty("sparkstep.test.azuriteDir", "target/azurite")).toAbsolutePath();
    Path launcher = install.resolve("node_modules/azurite/dist/src/blob/main.js");
    if (!Files.isRegularFile(launcher)) {
      Assumptions.assumeTrue(onPath("npm"), "npm is not on the PATH: Azurite (npm azurite@" + VERSION
          + ") cannot be installed here");
      Files.createDirectories(install);
      Path npmLog = workDir.resolve("npm-install.log");
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", install.toString(),
          "azurite@" + VERSION).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
      boolean ended = npm.waitFor(5, TimeUnit.MINUTES);
      Assumptions.assumeTrue(ended && npm.exitValue() == 0 && Files.isRegularFile(launcher),
          "npm install azurite@" + VERSION + " failed (no registry?):\n" + Files.readString(npmLog));
    }
    int port = freePort();
    Path location = Files.createDirectories(workDir.resolve("azurite-data"));
    Path log = workDir.resolve("azurite.log");
    ProcessBuilder builder = new ProcessBuilder(List.of("node", launcher.toString(), "--blobHost", "127.0.0.1",
        "--blobPort", Integer.toString(port), "--location", location.toString(), "--disableTelemetry",
        "--skipApiVersionCheck", "--loose", "--debug", workDir.resolve("azurite-debug.log").toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("AZURITE_ACCOUNTS", ACCOUNT + ":" + ACCOUNT_KEY);
    AzuriteStandIn standIn = new AzuriteStandIn(builder.start(), port, log);
    standIn.awaitListening(Duration.ofSeconds(60));
    return standIn;
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Azurite exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (answers()) {
        return;
      }
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    close();
    throw new IllegalStateException("Azurite did not answer within " + timeout.toSeconds() + " s:\n"
        + Files.readString(log));
  }

  private boolean answers() {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(blobEndpoint() + "?comp=list").toURL()
          .openConnection();
      connection.setConnectTimeout(1000);
      try {
        // any HTTP answer (403 without a signature) means it listens
        return connection.getResponseCode() > 0;
      } finally {
        connection.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  int port() {
    return port;
  }

  /**
   * What an operator sets for this account on a Blob (no hierarchical namespace) endpoint at {@code hostPort}
   * (Azurite's, or a proxy's in front of it), over plain HTTP, with {@code key} (the key or a {@code ${ENV}}
   * reference to it).
   */
  static Map<String, String> abfsConf(String hostPort, String key) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.hadoop.fs.azure.abfs.endpoint", hostPort);
    conf.put("spark.hadoop.fs.azure.always.use.https", "false");
    conf.put("spark.hadoop.fs.azure.account.auth.type", "SharedKey");
    conf.put("spark.hadoop.fs.azure.account.key." + ACCOUNT + ".dfs.core.windows.net", key);
    conf.put("spark.hadoop.fs.azure.account.hns.enabled", "false");
    conf.put("spark.hadoop.fs.azure.fns.account.service.type", "BLOB");
    conf.put("spark.hadoop.fs.azure.createRemoteFileSystemDuringInitialization", "true");
    return conf;
  }

  /** How a test reads the account back: {@code conf} (a run's settings) with {@link #ACCOUNT_KEY} in place of its reference. */
  static Configuration readerConf(Map<String, String> conf) {
    Configuration reader = new Configuration();
    conf.forEach((key, value) -> reader.set(key.substring("spark.hadoop.".length()), value));
    reader.set("fs.azure.account.key." + ACCOUNT + ".dfs.core.windows.net", ACCOUNT_KEY);
    reader.setBoolean("fs.abfs.impl.disable.cache", true);
    return reader;
  }

  /** The account's Blob endpoint, path-style as Azurite serves it on an IP address. */
  String blobEndpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** Whether Azurite can run here at all (a test class names this in its {@code @EnabledIf}). */
  static boolean nodeIsOnThePath() {
    return onPath("node");
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
