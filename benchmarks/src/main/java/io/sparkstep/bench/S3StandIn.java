package io.sparkstep.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmarks' S3 stand-in: Adobe S3Mock (storage-tests' exec jar) as its own process on loopback, with one bucket,
 * its store in a temporary directory removed on close (the objects written are not figures).
 */
final class S3StandIn implements AutoCloseable {
  private final Process process;
  private final Path root;
  private final int port;

  private S3StandIn(Process process, Path root, int port) {
    this.process = process;
    this.root = root;
    this.port = port;
  }

  /** Starts S3Mock from {@code jar} with {@code bucket} and waits until the bucket answers. */
  static S3StandIn start(Path jar, String bucket) throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no S3Mock jar at " + jar + "; build storage-tests first "
          + "(./mvnw -pl storage-tests -am -DskipTests install) or pass --s3mock-jar");
    }
    int port = freePort();
    Path root = Files.createTempDirectory("bench-s3mock");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-XX:+UseSerialGC", "-jar", jar.toString(), "--http.port=" + port, "--server.port=" + freePort(),
        "--server.address=127.0.0.1", "--com.adobe.testing.s3mock.store.initial-buckets=" + bucket,
        "--com.adobe.testing.s3mock.store.root=" + Files.createDirectories(root.resolve("store")),
        "--com.adobe.testing.s3mock.max-payload-size=2GB");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(root.resolve("s3mock.log").toFile()).start();
    S3StandIn standIn = new S3StandIn(process, root, port);
    try {
      standIn.awaitBucket(bucket);
    } catch (IOException | RuntimeException | InterruptedException e) {
      standIn.close();
      throw e;
    }
    return standIn;
  }

  /** The Hadoop settings (without Spark's {@code spark.hadoop.} prefix) that point S3A at the stand-in. */
  Map<String, String> s3aSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.endpoint.region", "us-east-1");
    settings.put("fs.s3a.access.key", "bench");
    settings.put("fs.s3a.secret.key", "bench");
    return settings;
  }

  private void awaitBucket(String bucket) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited with " + process.exitValue());
      }
      try {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port
            + "/" + bucket + "?list-type=2").toURL().openConnection();
        connection.setConnectTimeout(1000);
        if (connection.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      process.waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("S3Mock did not answer within 3 minutes");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
  }
}
