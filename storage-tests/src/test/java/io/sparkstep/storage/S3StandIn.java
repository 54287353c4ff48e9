package io.sparkstep.storage;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * An S3 server on loopback: Adobe S3Mock's own jar in a process of its own (its Spring Boot, logback and AWS SDK would
 * clash with Spark's on one class path), with one bucket. Any access key is accepted; the tests still pass one the
 * way users do (the AWS default chain's environment variables) to show it never lands in a record or log.
 */
public final class S3StandIn implements AutoCloseable {
  public static final String BUCKET = "bucket";
  /** Stand-in credentials, handed to runs only through the environment. */
  public static final String ACCESS_KEY = "standin-access-key";
  public static final String SECRET_KEY = "standin-secret-Zq81-never-logged";

  private final Process process;
  private final int port;
  private final Path log;

  private S3StandIn(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static S3StandIn start(Path workDir) throws IOException, InterruptedException {
    String jar = System.getProperty("sparkstep.test.s3mockJar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("sparkstep.test.s3mockJar names no S3Mock jar: " + jar + " (run through Maven)");
    }
    int httpPort = freePort();
    int httpsPort = freePort();
    Path root = Files.createDirectories(workDir.resolve("s3mock-root"));
    Path log = workDir.resolve("s3mock.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar,
        "--http.port=" + httpPort, "--server.port=" + httpsPort, "--server.address=127.0.0.1",
        "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
        "--com.adobe.testing.s3mock.store.root=" + root,
        // the tests' outputs are small but Spark's parquet parts may exceed S3Mock's 10 MB default
        "--com.adobe.testing.s3mock.max-payload-size=512MB"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    S3StandIn standIn = new S3StandIn(process, httpPort, log);
    standIn.awaitReady(Duration.ofSeconds(180));
    return standIn;
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (bucketAnswers()) {
        return;
      }
      process.waitFor(250, TimeUnit.MILLISECONDS);
    }
    close();
    throw new IllegalStateException("S3Mock did not answer within " + timeout.toSeconds() + " s:\n" + Files.readString(log));
  }

  private boolean bucketAnswers() {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/" + BUCKET + "?list-type=2")
          .toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(5000);
      try {
        return connection.getResponseCode() == 200;
      } finally {
        connection.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** What an operator (or one run) sets for an S3-compatible store: its endpoint and path-style access. */
  public Map<String, String> sparkConf() {
    return Map.of("spark.hadoop.fs.s3a.endpoint", endpoint(),
        "spark.hadoop.fs.s3a.path.style.access", "true",
        "spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
  }

  /** The AWS default chain's environment variables, as a user exports them. */
  static Map<String, String> credentialsEnvironment() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** How a test reads the store back: the endpoint a run gets, and the credentials the runs take from the chain. */
  public Configuration readerConf() {
    Configuration conf = new Configuration();
    sparkConf().forEach((key, value) -> conf.set(key.substring("spark.hadoop.".length()), value));
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    return conf;
  }
}
