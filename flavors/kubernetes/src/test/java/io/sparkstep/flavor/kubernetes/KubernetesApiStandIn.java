package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server stand-in on 127.0.0.1: fabric8's mock server (the version of Spark's own client) in CRUD
 * mode, which stores and serves objects like an API server, extended with what Spark's submission client and our run
 * handle need and the mock lacks: server-side apply (create if absent, else update) and pod logs (the text a test
 * sets, as the kubelet would serve it). The tests play the kubelet: they move pods through phases.
 */
final class KubernetesApiStandIn implements AutoCloseable {
  private static final Pattern LOG_PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?");
  private static final Pattern PODS_PATH = Pattern.compile("/api/v1/namespaces/[^/]+/pods(\\?.*)?");

  final Map<String, StringBuilder> logs = new ConcurrentHashMap<>();
  /** "METHOD path" of every request, to prove what was (not) sent. */
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final KubernetesMockServer server;
  final NamespacedKubernetesClient client;

  KubernetesApiStandIn() throws IOException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Dispatcher(), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = server.createClient();
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A kubeconfig with two contexts on this stand-in, "standin" current, the way kubectl writes one. */
  Path writeKubeconfig(Path file) throws IOException {
    String yaml = String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: standin",
        "  cluster:",
        "    server: " + url(),
        "contexts:",
        "- name: standin",
        "  context:",
        "    cluster: standin",
        "    user: tester",
        "- name: other",
        "  context:",
        "    cluster: standin",
        "    user: tester",
        "current-context: standin",
        "users:",
        "- name: tester",
        "  user:",
        "    token: standin-token",
        "");
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    return file;
  }

  void appendLog(String namespace, String pod, String text) {
    logs.computeIfAbsent(namespace + "/" + pod, k -> new StringBuilder()).append(text);
  }

  /** Requests that created or changed something. */
  List<String> writes() {
    return requests.stream().filter(r -> !r.startsWith("GET")).toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private final class Dispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.add(request.getMethod() + " " + request.getPath());
      Matcher log = LOG_PATH.matcher(request.getPath());
      if (log.matches() && "GET".equals(request.getMethod())) {
        StringBuilder text = logs.get(log.group(1) + "/" + log.group(2));
        if (handleGet("/api/v1/namespaces/" + log.group(1) + "/pods/" + log.group(2)).code() != 200) {
          return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404}");
        }
        return new MockResponse().setResponseCode(200).setBody(text == null ? "" : text.toString());
      }
      if ("POST".equals(request.getMethod()) && PODS_PATH.matcher(request.getPath()).matches()) {
        return super.dispatch(withPendingStatus(request));
      }
      return super.dispatch(request);
    }

    /**
     * A pod as an API server creates it: with {@code status.phase: Pending}. The mock stores a new pod without status,
     * and Spark's executor pod watcher fails on one (NullPointerException in ExecutorPodsSnapshot.toState).
     */
    private RecordedRequest withPendingStatus(RecordedRequest request) {
      Pod pod = Serialization.unmarshal(request.getUtf8Body(), Pod.class);
      if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
        return request;
      }
      pod.setStatus(new PodStatusBuilder().withPhase("Pending").build());
      return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
          new Buffer().writeUtf8(Serialization.asJson(pod)));
    }

    /** Server-side apply, as Spark's client sends it: create the object if absent, else replace it. */
    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      String contentType = request.getHeader("Content-Type");
      if (contentType == null || !contentType.startsWith("application/apply-patch")) {
        return super.handlePatch(request);
      }
      String path = request.getPath().replaceFirst("\\?.*$", "");
      String body = Serialization.asJson(Serialization.unmarshal(request.getUtf8Body()));
      if (handleGet(path).code() == 404) {
        return handleCreate(path.substring(0, path.lastIndexOf('/')), body);
      }
      return handleUpdate(path, body);
    }
  }
}
