package io.sparkstep.flavor.sparksubmit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The standalone master's web UI as a client: cluster state ({@code /json/}), a driver's state and worker, kill, and
 * a worker's driver log. Spark keeps this JSON stable for its own tooling; the master's RPC port needs Spark's
 * internal RPC, which a launcher must not link against.
 */
final class StandaloneMaster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String webUi;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  StandaloneMaster(String webUi) {
    this.webUi = webUi;
  }

  String webUi() {
    return webUi;
  }

  /** The master's view of the cluster. */
  JsonNode state() throws IOException {
    return getJson(webUi + "/json/");
  }

  /** A driver's entry (id, state, worker) among active and completed drivers. */
  Optional<JsonNode> driver(String driverId) throws IOException {
    JsonNode state = state();
    for (String list : List.of("activedrivers", "completeddrivers")) {
      for (JsonNode driver : state.path(list)) {
        if (driverId.equals(driver.path("id").asText())) {
          return Optional.of(driver);
        }
      }
    }
    return Optional.empty();
  }

  /** The web UI address of a worker by id. */
  Optional<String> workerWebUi(String workerId) throws IOException {
    for (JsonNode worker : state().path("workers")) {
      if (workerId.equals(worker.path("id").asText())) {
        return Optional.of(worker.path("webuiaddress").asText());
      }
    }
    return Optional.empty();
  }

  List<JsonNode> aliveWorkers(JsonNode state) {
    List<JsonNode> alive = new ArrayList<>();
    for (JsonNode worker : state.path("workers")) {
      if ("ALIVE".equals(worker.path("state").asText())) {
        alive.add(worker);
      }
    }
    return alive;
  }

  /** Asks the master to kill a driver (the worker stops its process: SIGTERM, then a forced kill). */
  void killDriver(String driverId) throws IOException {
    post(webUi + "/driver/kill/", "id=" + URLEncoder.encode(driverId, StandardCharsets.UTF_8) + "&terminate=true");
  }

  /** Asks the master to kill an application (its executors). */
  void killApplication(String appId) throws IOException {
    post(webUi + "/app/kill/", "id=" + URLEncoder.encode(appId, StandardCharsets.UTF_8) + "&terminate=true");
  }

  /**
   * Bytes of a driver's log on its worker from {@code offset}: the worker's {@code /log} page answers with a header
   * line {@code ==== Bytes START-END of LENGTH of PATH ====} and the text.
   *
   * @return the text and the offset to ask for next, or empty when the log is not there yet
   */
  Optional<LogChunk> driverLog(String workerWebUi, String driverId, String logType, long offset) throws IOException {
    String url = workerWebUi + "/log/?driverId=" + URLEncoder.encode(driverId, StandardCharsets.UTF_8)
        + "&logType=" + logType + "&offset=" + offset + "&byteLength=" + (256 * 1024);
    String body = get(url);
    int newline = body.indexOf('\n');
    if (!body.startsWith("==== Bytes ") || newline < 0) {
      return Optional.empty();
    }
    String[] header = body.substring("==== Bytes ".length(), newline).split(" ");
    String[] range = header[0].split("-");
    long end = Long.parseLong(range[1]);
    return Optional.of(new LogChunk(body.substring(newline + 1), end));
  }

  record LogChunk(String text, long nextOffset) {
  }

  private JsonNode getJson(String url) throws IOException {
    return JSON.readTree(get(url));
  }

  private String get(String url) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
    return send(request, url);
  }

  private void post(String url, String form) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    send(request, url);
  }

  private String send(HttpRequest request, String url) throws IOException {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 400) {
        throw new IOException(url + " answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted calling " + url, e);
    }
  }
}
