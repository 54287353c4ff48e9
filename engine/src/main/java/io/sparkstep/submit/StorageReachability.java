package io.sparkstep.submit;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Before launch, from the submitting process: can the file systems that a run's inputs and outputs name by host be
 * reached at all? A namenode that does not resolve or refuses connections would otherwise surface only after Spark
 * started, behind Hadoop's IPC retries. One TCP connect per host, bounded by {@link #CONNECT_TIMEOUT}, instead of a
 * Hadoop client (whose retries take minutes by default); {@code file:} paths are never probed.
 *
 * <p>Only {@code hdfs://host[:port]} names a host the submitter can ask: object stores (s3a, gs, abfss, wasb) name
 * buckets and containers, {@code viewfs} a mount table. An HDFS HA nameservice (a logical name listed in
 * {@code dfs.nameservices}) is not a host either and is left to Hadoop.
 */
final class StorageReachability {
  /** How long one connection attempt may take before the host counts as unreachable. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** The namenode's RPC port when a URI names none (Hadoop's fs.defaultFS default). */
  static final int NAMENODE_DEFAULT_PORT = 8020;
  private static final String NAMESERVICES_CONF = "spark.hadoop.dfs.nameservices";

  private StorageReachability() {
  }

  /** The first input or output whose file system cannot be reached, as one line: field, problem, fix. */
  public static Optional<String> firstUnreachable(StepSpec spec) {
    for (var section : List.of(Map.entry("inputs", spec.inputs), Map.entry("outputs", spec.outputs))) {
      if (section.getValue() == null) {
        continue;
      }
      for (Map.Entry<String, ArtifactSpec> artifact : section.getValue().entrySet()) {
        String uri = artifact.getValue() == null ? null : artifact.getValue().uri;
        Optional<String> problem = uri == null ? Optional.empty() : problem(uri, spec);
        if (problem.isPresent()) {
          return Optional.of(section.getKey() + "." + artifact.getKey() + ": " + problem.get());
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> problem(String text, StepSpec spec) {
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the validator has refused it already
    }
    String host = uri.getHost();
    if (!"hdfs".equals(uri.getScheme()) || host == null || host.isBlank()) {
      return Optional.empty();
    }
    if (uri.getPort() < 0 && isNameservice(host, spec)) {
      return Optional.empty();
    }
    int port = uri.getPort() < 0 ? NAMENODE_DEFAULT_PORT : uri.getPort();
    String where = "hdfs://" + host + ":" + port;
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return Optional.of("host " + host + " of " + text + " cannot be resolved (check the namenode's host name in"
          + " the URI, or this machine's DNS)");
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
      return Optional.empty();
    } catch (ConnectException e) {
      return Optional.of(where + " refused the connection for " + text + " (check that the namenode runs and"
          + " listens on port " + port + ")");
    } catch (SocketTimeoutException e) {
      return Optional.of(where + " did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s for " + text
          + " (check the host and port, and that no firewall stands between)");
    } catch (IOException e) {
      return Optional.of(where + " cannot be reached for " + text + ": " + e.getMessage()
          + " (check the host and port, and this machine's network)");
    }
  }

  /** Whether {@code name} is an HA nameservice of the run's Hadoop conf or of HADOOP_CONF_DIR's hdfs-site.xml. */
  private static boolean isNameservice(String name, StepSpec spec) {
    String listed = spec.sparkConf == null ? null : spec.sparkConf.get(NAMESERVICES_CONF);
    if (listed != null && Arrays.stream(listed.split(",")).map(String::trim).anyMatch(name::equals)) {
      return true;
    }
    String confDir = System.getenv("HADOOP_CONF_DIR");
    if (confDir == null) {
      return false;
    }
    try {
      Path site = Path.of(confDir, "hdfs-site.xml");
      return Files.isRegularFile(site) && Files.readString(site).contains(name);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
