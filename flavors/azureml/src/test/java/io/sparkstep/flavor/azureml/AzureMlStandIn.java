package io.sparkstep.flavor.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.sparkstep.testing.EntrypointProcess;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A local Azure Resource Manager for Azure ML jobs, over HTTPS with a certificate made for the test: PUT, GET and
 * cancel of command jobs under {@code /subscriptions/.../workspaces/{ws}/jobs/{name}}. It checks what ARM checks
 * (api-version, a bearer token, the job name rule, the command job's required fields) and runs the job's command as our
 * entrypoint in a local JVM with the job's environment variables, reporting the status Azure ML would. The process's
 * output ({@code workDir/<job>.log}) is the job's {@code user_logs/std_log.txt}: the run-history details
 * ({@code /history/v1.0/.../runs/{job}/details}, at the host the job's Tracking service names) give it as a SAS URL,
 * served here like a blob, to a request without a bearer token.
 */
final class AzureMlStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAS_SIGNATURE = "standin-sas-signature";
  private static final Pattern JOB_PATH = Pattern.compile(
      "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)/jobs/([^/]+)(/cancel)?");
  private static final Pattern RUN_DETAILS = Pattern.compile(
      "/history/v1\\.0/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.MachineLearningServices/workspaces/[^/]+/runs/([^/]+)/details");
  private static final Pattern USER_LOG_BLOB = Pattern.compile("/azureml/ExperimentRun/dcid\\.([^/]+)/user_logs/std_log\\.txt");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}");

  final HttpsServer server;
  final SSLContext clientContext;
  final Path workDir;
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();
  /** The ARM path of each job's workspace, for its Tracking service endpoint. */
  private final Map<String, String> workspaces = new ConcurrentHashMap<>();
  final Map<String, Process> processes = new ConcurrentHashMap<>();
  final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
  final AtomicInteger creates = new AtomicInteger();
  /** Reads of a job's std_log.txt by its SAS URL. */
  final AtomicInteger userLogReads = new AtomicInteger();
  /** Answer the next N creates with 429 (Retry-After: 0), as ARM does under throttling. */
  final AtomicInteger throttleNextCreates = new AtomicInteger();

  AzureMlStandIn(Path workDir) throws Exception {
    this.workDir = workDir;
    Path keystore = workDir.resolve("standin.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "standin", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + new String(keytool.getInputStream().readAllBytes()));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.createContext("/", this::handle);
    server.start();
  }

  /** The settings every azureml operator on this stand-in has: workspace, compute, environment, staging. */
  java.util.Map<String, String> operatorSettings(Path staging) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("endpoint", endpoint());
    settings.put("subscriptionId", "00000000-0000-0000-0000-000000000001");
    settings.put("resourceGroup", "rg-ml");
    settings.put("workspace", "ws-sparkstep");
    settings.put("compute", "cpu-cluster");
    settings.put("environment", "azureml:sparkstep:1");
    settings.put("stagingUri", staging.toUri().toString());
    settings.put("pollMillis", "300");
    return settings;
  }

  String endpoint() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(String.valueOf(auth));
      Matcher blob = USER_LOG_BLOB.matcher(exchange.getRequestURI().getPath());
      if (blob.matches()) {
        userLog(exchange, blob.group(1), auth);
        return;
      }
      if (auth == null || !auth.startsWith("Bearer ")) {
        send(exchange, 401, error("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."));
        return;
      }
      Matcher details = RUN_DETAILS.matcher(exchange.getRequestURI().getPath());
      if (details.matches() && exchange.getRequestMethod().equals("GET")) {
        runDetails(exchange, details.group(1));
        return;
      }
      String query = exchange.getRequestURI().getQuery();
      if (query == null || !query.contains("api-version=")) {
        send(exchange, 400, error("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."));
        return;
      }
      Matcher m = JOB_PATH.matcher(exchange.getRequestURI().getPath());
      if (!m.matches()) {
        send(exchange, 404, error("NotFound", "no route " + exchange.getRequestURI().getPath()));
        return;
      }
      String name = m.group(4);
      String method = exchange.getRequestMethod();
      if (m.group(5) != null && method.equals("POST")) {
        cancel(exchange, name);
      } else if (method.equals("PUT")) {
        create(exchange, name);
      } else if (method.equals("GET")) {
        get(exchange, name);
      } else {
        send(exchange, 405, error("MethodNotAllowed", method));
      }
    } catch (Exception e) {
      send(exchange, 500, error("InternalServerError", e.toString()));
    }
  }

  private void create(HttpExchange exchange, String name) throws IOException {
    creates.incrementAndGet();
    if (throttleNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().add("Retry-After", "0");
      send(exchange, 429, error("TooManyRequests", "The request is being throttled."));
      return;
    }
    if (!NAME.matcher(name).matches()) {
      send(exchange, 400, error("UserError", "Job name '" + name + "' is invalid."));
      return;
    }
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    JsonNode p = body.path("properties");
    for (String field : List.of("jobType", "command", "environmentId", "computeId")) {
      if (p.path(field).asText("").isBlank()) {
        send(exchange, 400, error("UserError", "The field " + field + " is required."));
        return;
      }
    }
    if (!p.path("jobType").asText().equals("Command")) {
      send(exchange, 400, error("UserError", "Unsupported jobType " + p.path("jobType").asText()));
      return;
    }
    String instanceType = p.path("resources").path("instanceType").asText("");
    if (!instanceType.isEmpty() && !instanceType.startsWith("Standard_")) {
      send(exchange, 400, error("UserError", "Instance type " + instanceType + " is not a valid VM size."));
      return;
    }
    if (bodies.containsKey(name)) {
      send(exchange, 409, error("UserError", "A job with this name already exists."));
      return;
    }
    bodies.put(name, body);
    String path = exchange.getRequestURI().getPath();
    workspaces.put(name, path.substring(0, path.indexOf("/jobs/")));
    Map<String, String> env = new java.util.LinkedHashMap<>();
    p.path("environmentVariables").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    processes.put(name, EntrypointProcess.start(env, List.of(), containerLog(name)));
    send(exchange, 201, job(name));
  }

  private void get(HttpExchange exchange, String name) throws IOException {
    if (!bodies.containsKey(name)) {
      send(exchange, 404, error("UserError", "Job " + name + " not found."));
      return;
    }
    send(exchange, 200, job(name));
  }

  /** Run history's details: the job's log files by SAS URL, once the container has written any. */
  private void runDetails(HttpExchange exchange, String name) throws IOException {
    if (!bodies.containsKey(name)) {
      send(exchange, 404, error("UserError", "Run " + name + " not found."));
      return;
    }
    ObjectNode details = JSON.createObjectNode();
    details.put("runId", name);
    details.put("status", status(name));
    ObjectNode logFiles = details.putObject("logFiles");
    if (Files.exists(containerLog(name))) {
      logFiles.put("user_logs/std_log.txt", endpoint() + "/azureml/ExperimentRun/dcid." + name
          + "/user_logs/std_log.txt?sv=2019-07-07&sr=b&sp=r&sig=" + SAS_SIGNATURE);
    }
    send(exchange, 200, details);
  }

  /** The blob behind the SAS URL: the SAS is the grant, and a bearer token beside it is refused. */
  private void userLog(HttpExchange exchange, String name, String auth) throws IOException {
    String query = String.valueOf(exchange.getRequestURI().getRawQuery());
    if (auth != null) {
      sendText(exchange, 400, "AuthenticationFailed: a SAS request carries no Authorization header");
    } else if (!query.contains("sig=" + SAS_SIGNATURE)) {
      sendText(exchange, 403, "AuthenticationFailed: Server failed to authenticate the request.");
    } else if (!Files.exists(containerLog(name))) {
      sendText(exchange, 404, "BlobNotFound: The specified blob does not exist.");
    } else {
      userLogReads.incrementAndGet();
      byte[] bytes = Files.readAllBytes(containerLog(name));
      exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }
  }

  /** Where the job's process writes stdout and stderr. */
  Path containerLog(String name) {
    return workDir.resolve(name + ".log");
  }

  private void cancel(HttpExchange exchange, String name) throws IOException {
    Process process = processes.get(name);
    if (process == null) {
      send(exchange, 404, error("UserError", "Job " + name + " not found."));
      return;
    }
    cancelled.put(name, true);
    process.destroy();
    send(exchange, 202, JSON.createObjectNode());
  }

  private ObjectNode job(String name) {
    ObjectNode job = ((ObjectNode) bodies.get(name)).deepCopy();
    ObjectNode props = (ObjectNode) job.path("properties");
    props.remove("environmentVariables");
    props.put("status", status(name));
    ObjectNode tracking = props.putObject("services").putObject("Tracking");
    tracking.put("jobServiceType", "Tracking");
    tracking.put("endpoint", "azureml://127.0.0.1:" + server.getAddress().getPort() + "/mlflow/v1.0" + workspaces.get(name));
    job.put("name", name);
    return job;
  }

  private String status(String name) {
    Process process = processes.get(name);
    if (process.isAlive()) {
      return cancelled.containsKey(name) ? "CancelRequested" : "Running";
    }
    if (cancelled.containsKey(name)) {
      return "Canceled";
    }
    return process.exitValue() == 0 ? "Completed" : "Failed";
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return root;
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    processes.values().forEach(p -> {
      p.destroyForcibly();
      p.onExit().join();
    });
    server.stop(0);
  }
}
