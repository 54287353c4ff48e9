package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkstep.spi.OperatorConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cleanup after a failed submission tries each call once, counted at the socket rather than by the clock: an
 * endpoint that drops every connection sees one connection for the cleanup, where a client with retries makes one
 * per attempt (the control, so the count could show a retry).
 */
class CleanupClientTest {

  /** Accepts connections on 127.0.0.1 and resets each at once, counting them: a server that never answers. */
  private static final class DroppingEndpoint implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    final AtomicInteger connections = new AtomicInteger();

    DroppingEndpoint() throws IOException {
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket socket = server.accept()) {
            connections.incrementAndGet(); // counted before the reset the client reacts to
            socket.setSoLinger(true, 0);
          } catch (IOException e) {
            // closed
          }
        }
      }, "dropping-endpoint");
      accept.setDaemon(true);
      accept.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @Test
  void cleanupAfterAFailedSubmissionConnectsOncePerCall() throws Exception {
    try (DroppingEndpoint endpoint = new DroppingEndpoint()) {
      KubernetesSettings settings = new KubernetesSettings(new OperatorConfig("k8s", "kubernetes",
          Map.of("apiServer", endpoint.url(), "namespace", "jobs", "image", "registry.example.com/sparkstep:1"),
          KubernetesSettings.OPTIONS));
      try (var client = KubeAccess.clientWithoutRetries(settings)) {
        assertThrows(KubernetesClientException.class,
            () -> RunResources.delete(client, "jobs", "sparkstep-run-driver", "run"));
      }
      assertEquals(1, endpoint.connections.get(), "the cleanup's first call failed once and was not retried");

      Config retrying = KubeAccess.clientConfig(settings);
      retrying.setRequestRetryBackoffLimit(2);
      retrying.setRequestRetryBackoffInterval(10);
      try (var client = new KubernetesClientBuilder().withConfig(retrying).build()) {
        assertThrows(KubernetesClientException.class,
            () -> RunResources.delete(client, "jobs", "sparkstep-run-driver", "run"));
      }
      assertEquals(1 + 3, endpoint.connections.get(), "control: a client with 2 retries connects 3 times");
    }
  }
}
