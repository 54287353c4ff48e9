package io.sparkstep.lineage;

import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one event where the settings say: a POST of its JSON to the endpoint, as OpenLineage's HTTP transport does,
 * and one line appended to the file. Lineage is never the run's business: a failure is logged in one line and the
 * run goes on.
 */
final class OpenLineageTransport {
  private static final Logger LOG = LoggerFactory.getLogger(OpenLineageTransport.class);
  /** A lineage backend that does not answer must not hold up the process that observed the run for long. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final OpenLineageSettings settings;

  OpenLineageTransport(OpenLineageSettings settings) {
    this.settings = settings;
  }

  /** Sends the event; whether every configured destination took it. */
  boolean send(String what, String json) {
    boolean sent = true;
    if (settings.endpoint() != null) {
      sent &= post(what, json);
    }
    if (settings.file() != null) {
      sent &= append(what, json);
    }
    return sent;
  }

  private boolean post(String what, String json) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpRequest.Builder request = HttpRequest.newBuilder(settings.endpoint()).timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
      if (settings.apiKey() != null) {
        request.header("Authorization", "Bearer " + settings.apiKey());
      }
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        warn(what, settings.endpoint() + " answered HTTP " + response.statusCode());
        return false;
      }
      return true;
    } catch (IOException | RuntimeException e) {
      warn(what, settings.endpoint() + ": " + e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      warn(what, "interrupted");
      return false;
    }
  }

  /** One line per event; a lock keeps two processes' lines whole. */
  private boolean append(String what, String json) {
    try {
      if (settings.file().getParent() != null) {
        Files.createDirectories(settings.file().getParent());
      }
      try (FileChannel channel = FileChannel.open(settings.file(), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND);
           FileLock ignored = channel.lock()) {
        ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
          channel.write(line);
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      warn(what, settings.file() + ": " + e);
      return false;
    }
  }

  private static void warn(String what, String problem) {
    LOG.warn("{}", Redactor.scrub("openlineage: " + what + " not sent (the run is not affected): " + problem));
  }
}
