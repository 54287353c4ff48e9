package io.sparkstep.flavor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkstep.flavor.kubernetes.settings.KubeAccess;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkstep.spi.OperatorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cleanup after a failed submission tries each call once, counted at the server rather than by the clock: an API
 * server that fails every request sees one request from the cleanup, where a client with retries makes one per
 * attempt (the control, so the count could show a retry).
 */
class CleanupClientTest {

  /**
   * An API server on 127.0.0.1 that answers every request with 503 and closes the connection, counting them. (A
   * reset connection would be a race: the client sees either an IOException, which it retries, or a closed channel,
   * which it does not, depending on when the reset lands.)
   */
  private static final class FailingEndpoint implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    final AtomicInteger requests = new AtomicInteger();

    FailingEndpoint() throws IOException {
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket socket = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII));
            String line = in.readLine();
            while (line != null && !line.isEmpty()) {
              line = in.readLine(); // the request's headers; a GET has no body
            }
            requests.incrementAndGet(); // counted before the answer the client reacts to
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (IOException e) {
            // closed
          }
        }
      }, "failing-endpoint");
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
  void cleanupAfterAFailedSubmissionAsksOncePerCall() throws Exception {
    try (FailingEndpoint endpoint = new FailingEndpoint()) {
      KubernetesSettings settings = new KubernetesSettings(new OperatorConfig("k8s", "kubernetes",
          Map.of("apiServer", endpoint.url(), "namespace", "jobs", "image", "registry.example.com/sparkstep:1"),
          KubernetesSettings.OPTIONS));
      try (var client = KubeAccess.clientWithoutRetries(settings)) {
        assertThrows(KubernetesClientException.class,
            () -> RunResources.delete(client, "jobs", "sparkstep-run-driver", "run"));
      }
      assertEquals(1, endpoint.requests.get(), "the cleanup's first call (GET the driver pod) failed once and was not retried");

      Config retrying = KubeAccess.clientConfig(settings);
      retrying.setRequestRetryBackoffLimit(2);
      retrying.setRequestRetryBackoffInterval(10);
      try (var client = new KubernetesClientBuilder().withConfig(retrying).build()) {
        assertThrows(KubernetesClientException.class,
            () -> RunResources.delete(client, "jobs", "sparkstep-run-driver", "run"));
      }
      assertEquals(1 + 3, endpoint.requests.get(), "control: a client with 2 retries asks 3 times");
    }
  }
}
