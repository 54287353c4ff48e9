package io.sparkstep.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The HTTP plumbing of the in-process store stand-ins ({@link GcsStandIn}, {@link AdlsGen2StandIn}): a JDK server on
 * loopback, plain or over TLS, on a few daemon threads, handing each request to the stand-in with its query and body
 * read; and the encoding of their answers.
 */
final class StandInHttpServer implements AutoCloseable {
  /** One request: the exchange to answer, its method, raw path, decoded query parameters and body. */
  record Request(HttpExchange exchange, String method, String rawPath, Map<String, String> query, byte[] body) {
  }

  /** What a stand-in does with a request. */
  @FunctionalInterface
  interface Handler {
    void handle(Request request) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService threads;

  private StandInHttpServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts serving {@code handler} on a free loopback port, over TLS with {@code tls}, plain HTTP when it is null. */
  static StandInHttpServer start(String threadName, SSLContext tls, Handler handler) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    HttpServer server;
    if (tls == null) {
      server = HttpServer.create(loopback, 64);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    ExecutorService threads = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
    server.createContext("/", exchange -> {
      try (exchange) {
        handler.handle(new Request(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
            query(exchange.getRequestURI().getRawQuery()), exchange.getRequestBody().readAllBytes()));
      }
    });
    server.setExecutor(threads);
    server.start();
    return new StandInHttpServer(server, threads);
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The parameters of a raw query string, decoded, in their order. */
  static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        query.put(decode(equals < 0 ? pair : pair.substring(0, equals)),
            equals < 0 ? "" : decode(pair.substring(equals + 1)));
      }
    }
    return query;
  }

  /** A percent-encoded path segment or parameter; a '+' stays a '+' (the stores' clients encode spaces as %20). */
  static String decode(String encoded) {
    return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Answers {@code status} with {@code body}; no body for an empty one or a HEAD request. */
  static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, body.length == 0 || head ? -1 : body.length);
    if (body.length > 0 && !head) {
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
