package io.sparkstep.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.accel.AcceleratorJarException;
import io.sparkstep.spi.accel.MavenArtifact;
import io.sparkstep.spi.accel.AcceleratorJarResolver;
import io.sparkstep.spi.accel.Accelerator;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accelerator resolver checks a download against the sha256 pinned in the pom, whatever the server says: a
 * repository serving other bytes with a matching .sha1 is refused. And the versions come from the pom, not Java.
 */
class PinnedChecksumTest {
  @TempDir
  Path tmp;

  @Test
  void downloadMustMatchThePinnedSha256() throws Exception {
    byte[] jar = "not really a jar".getBytes(StandardCharsets.UTF_8);
    String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(jar));
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestURI().getPath().endsWith(".sha1") ? sha1.getBytes(StandardCharsets.US_ASCII) : jar;
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String repo = "http://127.0.0.1:" + server.getAddress().getPort();
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      AcceleratorJarResolver resolver = new AcceleratorJarResolver(Map.of(), tmp.resolve("m2"), repo, quiet);
      MavenArtifact wrongPin = new MavenArtifact("com.example", "accel", "1.0", "00".repeat(32));
      AcceleratorJarException refused = assertThrows(AcceleratorJarException.class, () -> resolver.resolve(wrongPin));
      assertTrue(refused.getMessage().contains("pinned SHA-256"), refused.getMessage());
      assertFalse(Files.exists(tmp.resolve("m2").resolve(wrongPin.repositoryPath())), "a refused jar is not kept");
      Path ok = resolver.resolve(new MavenArtifact("com.example", "accel", "1.0", sha256));
      assertEquals(jar.length, Files.size(ok));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void acceleratorCoordinatesComeFromThePom() {
    assertEquals(System.getProperty("comet.version.expected"), Accelerator.COMET.artifact().version());
    assertEquals(System.getProperty("comet.sha256.expected"), Accelerator.COMET.artifact().sha256());
    assertEquals(System.getProperty("rapids.version.expected"), Accelerator.RAPIDS.artifact().version());
    assertEquals("comet-spark-spark4.1_2.13", Accelerator.COMET.artifact().artifactId());
  }
}
