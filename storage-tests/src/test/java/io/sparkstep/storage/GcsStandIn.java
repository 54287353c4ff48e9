package io.sparkstep.storage;

import static io.sparkstep.storage.StandInHttpServer.decode;
import static io.sparkstep.storage.StandInHttpServer.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Google Cloud Storage JSON API paths gcs-connector hadoop3-2.2.28 uses, served in-process on loopback from
 * memory, for one bucket: bucket get; object metadata get, media get (with ranges), list (prefix, delimiter, trailing
 * delimiter), insert (multipart and resumable uploads), delete, copyTo and rewriteTo, each with the generation
 * preconditions the connector sends. No emulator of GCS is to be had here; this serves what the connector asked for
 * when the fare pipeline ran against it, and answers 501 to anything else so a new need shows up by name
 * ({@link #unserved()}).
 */
final class GcsStandIn implements AutoCloseable {
  static final String BUCKET = "lake-bucket";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OBJECT = Pattern.compile("(?:/download)?/storage/v1/b/([^/]+)/o/([^/]+)");
  private static final Pattern OBJECTS = Pattern.compile("/storage/v1/b/([^/]+)/o/?");
  private static final Pattern BUCKET_PATH = Pattern.compile("/storage/v1/b/([^/]+)/?");
  private static final Pattern UPLOAD = Pattern.compile("/upload/storage/v1/b/([^/]+)/o/?");
  private static final Pattern COPY = Pattern.compile("/storage/v1/b/([^/]+)/o/([^/]+)/(copyTo|rewriteTo)/b/([^/]+)/o/([^/]+)");
  private static final Pattern SESSION = Pattern.compile("/upload/session/(\\d+)");
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private record StoredObject(String name, byte[] data, long generation, String contentType, Map<String, String> metadata,
                              Instant updated) {
  }

  private record UploadSession(String name, String contentType, Map<String, String> metadata, Long ifGenerationMatch,
                               ByteArrayOutputStream received) {
  }

  private StandInHttpServer server;
  private final NavigableMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
  private final Map<Long, UploadSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
  private final Set<String> unserved = new ConcurrentSkipListSet<>();
  private final Set<String> served = new ConcurrentSkipListSet<>();

  private GcsStandIn() {
  }

  static GcsStandIn start() throws IOException {
    GcsStandIn standIn = new GcsStandIn();
    standIn.server = StandInHttpServer.start("gcs-stand-in", null, standIn::handle);
    return standIn;
  }

  String rootUrl() {
    return "http://127.0.0.1:" + port() + "/";
  }

  int port() {
    return server.port();
  }

  /** What an operator sets to point gcs-connector at this server: its root URL and no Google credentials. */
  Map<String, String> sparkConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.hadoop.fs.gs.storage.root.url", rootUrl());
    conf.put("spark.hadoop.fs.gs.storage.service.path", "storage/v1/");
    conf.put("spark.hadoop.fs.gs.auth.service.account.enable", "false");
    conf.put("spark.hadoop.fs.gs.auth.null.enable", "true");
    conf.put("spark.hadoop.fs.gs.project.id", "sparkstep-test");
    // one request per call instead of the JSON API's multipart/mixed batches, which this stand-in does not serve
    conf.put("spark.hadoop.fs.gs.max.requests.per.batch", "1");
    // a request this stand-in does not serve fails the test at once instead of after the connector's retries
    conf.put("spark.hadoop.fs.gs.http.max.retry", "1");
    return conf;
  }

  /** Method and path shape of each request kind served, e.g. {@code GET object?alt=media}. */
  Set<String> served() {
    return Set.copyOf(served);
  }

  /** Requests answered 501: what the connector asked for that this stand-in does not know. */
  Set<String> unserved() {
    return Set.copyOf(unserved);
  }

  private void handle(StandInHttpServer.Request request) throws IOException {
    HttpExchange exchange = request.exchange();
    try {
      String method = request.method();
      String path = request.rawPath();
      Map<String, String> query = request.query();
      byte[] body = request.body();
      Matcher matcher;
      if ((matcher = COPY.matcher(path)).matches() && method.equals("POST")) {
        served.add("POST object/" + matcher.group(3));
        copy(exchange, decode(matcher.group(2)), decode(matcher.group(5)), matcher.group(3).equals("rewriteTo"), query);
      } else if ((matcher = SESSION.matcher(path)).matches() && method.equals("PUT")) {
        served.add("PUT resumable upload chunk");
        uploadChunk(exchange, Long.parseLong(matcher.group(1)), body);
      } else if ((matcher = UPLOAD.matcher(path)).matches() && method.equals("POST") && bucket(exchange, matcher)) {
        String uploadType = query.getOrDefault("uploadType", "");
        served.add("POST upload?uploadType=" + uploadType);
        switch (uploadType) {
          case "resumable" -> startResumable(exchange, query, body);
          case "multipart" -> insertMultipart(exchange, query, body);
          case "media" -> insert(exchange, query.get("name"), body, null, Map.of(), precondition(query));
          default -> unserved(exchange);
        }
      } else if ((matcher = OBJECT.matcher(path)).matches() && bucket(exchange, matcher)) {
        String name = decode(matcher.group(2));
        switch (method) {
          case "GET" -> {
            boolean media = "media".equals(query.get("alt"));
            served.add(media ? "GET " + (path.startsWith("/download/") ? "/download" : "") + " object?alt=media"
                : "GET object");
            if (media) {
              media(exchange, name, query.get("generation"));
            } else {
              metadata(exchange, name);
            }
          }
          case "DELETE" -> {
            served.add("DELETE object");
            delete(exchange, name, precondition(query));
          }
          default -> unserved(exchange);
        }
      } else if ((matcher = OBJECTS.matcher(path)).matches() && method.equals("GET") && bucket(exchange, matcher)) {
        served.add("GET objects (list)");
        list(exchange, query);
      } else if ((matcher = BUCKET_PATH.matcher(path)).matches() && method.equals("GET") && bucket(exchange, matcher)) {
        served.add("GET bucket");
        ObjectNode bucket = JSON.createObjectNode().put("kind", "storage#bucket").put("id", BUCKET).put("name", BUCKET)
            .put("location", "US").put("storageClass", "STANDARD").put("timeCreated", "2026-01-01T00:00:00.000Z");
        respond(exchange, 200, bucket);
      } else {
        unserved(exchange);
      }
    } catch (RuntimeException | IOException failure) {
      unserved.add("failed: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + failure);
      throw failure;
    }
  }

  /** Answers 404 (and false) for a bucket other than {@link #BUCKET}. */
  private boolean bucket(HttpExchange exchange, Matcher matcher) throws IOException {
    if (decode(matcher.group(1)).equals(BUCKET)) {
      return true;
    }
    error(exchange, 404, "No such bucket: " + decode(matcher.group(1)));
    return false;
  }

  private void metadata(HttpExchange exchange, String name) throws IOException {
    StoredObject object = objects.get(name);
    if (object == null) {
      error(exchange, 404, "No such object: " + BUCKET + "/" + name);
    } else {
      respond(exchange, 200, resource(object));
    }
  }

  private void media(HttpExchange exchange, String name, String generation) throws IOException {
    StoredObject object = objects.get(name);
    if (object == null || generation != null && object.generation() != Long.parseLong(generation)) {
      error(exchange, 404, "No such object: " + BUCKET + "/" + name);
      return;
    }
    byte[] data = object.data();
    exchange.getResponseHeaders().set("Content-Type", object.contentType());
    exchange.getResponseHeaders().set("x-goog-generation", Long.toString(object.generation()));
    exchange.getResponseHeaders().set("x-goog-metageneration", "1");
    String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
    Matcher range = rangeHeader == null ? null : RANGE.matcher(rangeHeader);
    if (range == null || !range.matches()) {
      send(exchange, 200, data);
      return;
    }
    long first = Long.parseLong(range.group(1));
    if (first >= data.length && data.length > 0 || first > 0 && data.length == 0) {
      exchange.getResponseHeaders().set("Content-Range", "bytes */" + data.length);
      error(exchange, 416, "Requested range not satisfiable");
      return;
    }
    long last = range.group(2).isEmpty() ? data.length - 1 : Math.min(Long.parseLong(range.group(2)), data.length - 1);
    exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + data.length);
    send(exchange, 206, Arrays.copyOfRange(data, (int) first, (int) last + 1));
  }

  private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
    String prefix = query.getOrDefault("prefix", "");
    String delimiter = query.get("delimiter");
    boolean trailing = Boolean.parseBoolean(query.getOrDefault("includeTrailingDelimiter", "false"));
    ArrayNode items = JSON.createArrayNode();
    Set<String> prefixes = new java.util.TreeSet<>();
    for (StoredObject object : objects.tailMap(prefix, true).values()) {
      if (!object.name().startsWith(prefix)) {
        break;
      }
      String rest = object.name().substring(prefix.length());
      int cut = delimiter == null ? -1 : rest.indexOf(delimiter);
      if (cut < 0) {
        items.add(resource(object));
      } else {
        prefixes.add(prefix + rest.substring(0, cut + delimiter.length()));
        if (trailing && cut + delimiter.length() == rest.length()) {
          items.add(resource(object));
        }
      }
    }
    ObjectNode answer = JSON.createObjectNode().put("kind", "storage#objects");
    if (!items.isEmpty()) {
      answer.set("items", items);
    }
    if (!prefixes.isEmpty()) {
      ArrayNode names = answer.putArray("prefixes");
      prefixes.forEach(names::add);
    }
    respond(exchange, 200, answer);
  }

  private void startResumable(HttpExchange exchange, Map<String, String> query, byte[] body) throws IOException {
    JsonNode metadata = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    String name = query.getOrDefault("name", metadata.path("name").asText(null));
    String contentType = metadata.path("contentType").asText(
        firstNonNull(exchange.getRequestHeaders().getFirst("X-Upload-Content-Type"), "application/octet-stream"));
    long id = generations.incrementAndGet();
    sessions.put(id, new UploadSession(name, contentType, userMetadata(metadata), precondition(query),
        new ByteArrayOutputStream()));
    // at the address the client used (a proxy in front of this server stays in the path of the upload)
    exchange.getResponseHeaders().set("Location", "http://" + exchange.getRequestHeaders().getFirst("Host")
        + "/upload/session/" + id);
    send(exchange, 200, new byte[0]);
  }

  private void uploadChunk(HttpExchange exchange, long id, byte[] body) throws IOException {
    UploadSession session = sessions.get(id);
    if (session == null) {
      error(exchange, 404, "No such upload session: " + id);
      return;
    }
    String contentRange = exchange.getRequestHeaders().getFirst("Content-Range");
    Matcher range = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange);
    if (range == null || !range.matches()) {
      error(exchange, 400, "Content-Range missing or malformed: " + contentRange);
      return;
    }
    synchronized (session) {
      if (range.group(2) != null && Long.parseLong(range.group(2)) == session.received().size()) {
        session.received().write(body);
      }
      long received = session.received().size();
      if (range.group(4).equals("*") || Long.parseLong(range.group(4)) > received) {
        if (received > 0) {
          exchange.getResponseHeaders().set("Range", "bytes=0-" + (received - 1));
        }
        exchange.getResponseHeaders().set("Content-Length", "0");
        exchange.sendResponseHeaders(308, -1);
        return;
      }
      sessions.remove(id);
      insert(exchange, session.name(), session.received().toByteArray(), session.contentType(), session.metadata(),
          session.ifGenerationMatch());
    }
  }

  /** A multipart/related body: the object's JSON resource, then its bytes. */
  private void insertMultipart(HttpExchange exchange, Map<String, String> query, byte[] body) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Matcher boundaryMatch = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType == null ? "" : contentType);
    if (!boundaryMatch.find()) {
      error(exchange, 400, "multipart upload without a boundary: " + contentType);
      return;
    }
    byte[][] parts = multipartBodies(body, boundaryMatch.group(1));
    JsonNode metadata = JSON.readTree(parts[0]);
    String name = query.getOrDefault("name", metadata.path("name").asText(null));
    insert(exchange, name, parts[1], metadata.path("contentType").asText(null), userMetadata(metadata),
        precondition(query));
  }

  private void insert(HttpExchange exchange, String name, byte[] data, String contentType, Map<String, String> metadata,
                      Long ifGenerationMatch) throws IOException {
    StoredObject stored;
    synchronized (objects) {
      StoredObject existing = objects.get(name);
      if (!preconditionHolds(existing, ifGenerationMatch)) {
        error(exchange, 412, "Precondition Failed");
        return;
      }
      stored = new StoredObject(name, data, generations.incrementAndGet(),
          firstNonNull(contentType, "application/octet-stream"), metadata, Instant.now());
      objects.put(name, stored);
    }
    respond(exchange, 200, resource(stored));
  }

  private void delete(HttpExchange exchange, String name, Long ifGenerationMatch) throws IOException {
    synchronized (objects) {
      StoredObject existing = objects.get(name);
      if (existing == null) {
        error(exchange, 404, "No such object: " + BUCKET + "/" + name);
        return;
      }
      if (!preconditionHolds(existing, ifGenerationMatch)) {
        error(exchange, 412, "Precondition Failed");
        return;
      }
      objects.remove(name);
    }
    exchange.sendResponseHeaders(204, -1);
  }

  private void copy(HttpExchange exchange, String source, String destination, boolean rewrite, Map<String, String> query)
      throws IOException {
    StoredObject copied;
    synchronized (objects) {
      StoredObject original = objects.get(source);
      if (original == null) {
        error(exchange, 404, "No such object: " + BUCKET + "/" + source);
        return;
      }
      if (!preconditionHolds(objects.get(destination), precondition(query))) {
        error(exchange, 412, "Precondition Failed");
        return;
      }
      copied = new StoredObject(destination, original.data(), generations.incrementAndGet(), original.contentType(),
          original.metadata(), Instant.now());
      objects.put(destination, copied);
    }
    if (!rewrite) {
      respond(exchange, 200, resource(copied));
      return;
    }
    ObjectNode answer = JSON.createObjectNode().put("kind", "storage#rewriteResponse").put("done", true)
        .put("totalBytesRewritten", Long.toString(copied.data().length))
        .put("objectSize", Long.toString(copied.data().length));
    answer.set("resource", resource(copied));
    respond(exchange, 200, answer);
  }

  private static boolean preconditionHolds(StoredObject existing, Long ifGenerationMatch) {
    if (ifGenerationMatch == null) {
      return true;
    }
    return ifGenerationMatch == 0 ? existing == null : existing != null && existing.generation() == ifGenerationMatch;
  }

  private static Long precondition(Map<String, String> query) {
    String value = query.get("ifGenerationMatch");
    return value == null ? null : Long.valueOf(value);
  }

  private static Map<String, String> userMetadata(JsonNode resource) {
    Map<String, String> metadata = new LinkedHashMap<>();
    resource.path("metadata").fields().forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
    return metadata;
  }

  private static ObjectNode resource(StoredObject object) {
    String updated = object.updated().toString();
    ObjectNode resource = JSON.createObjectNode().put("kind", "storage#object")
        .put("id", BUCKET + "/" + object.name() + "/" + object.generation()).put("name", object.name())
        .put("bucket", BUCKET).put("generation", Long.toString(object.generation())).put("metageneration", "1")
        .put("contentType", object.contentType()).put("storageClass", "STANDARD")
        .put("size", Long.toString(object.data().length)).put("timeCreated", updated).put("updated", updated);
    if (!object.metadata().isEmpty()) {
      ObjectNode metadata = resource.putObject("metadata");
      object.metadata().forEach(metadata::put);
    }
    return resource;
  }

  private void unserved(HttpExchange exchange) throws IOException {
    unserved.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    error(exchange, 501, "not served by the GCS stand-in: " + exchange.getRequestMethod() + " "
        + exchange.getRequestURI());
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode error = JSON.createObjectNode();
    error.putObject("error").put("code", status).put("message", message);
    respond(exchange, status, error);
  }

  private static void respond(HttpExchange exchange, int status, JsonNode json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    send(exchange, status, JSON.writeValueAsBytes(json));
  }

  private static byte[][] multipartBodies(byte[] body, String boundary) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + boundary;
    java.util.List<byte[]> parts = new java.util.ArrayList<>();
    int at = text.indexOf(delimiter);
    while (at >= 0) {
      int start = at + delimiter.length();
      if (text.startsWith("--", start)) {
        break;
      }
      int next = text.indexOf(delimiter, start);
      String part = text.substring(start, next < 0 ? text.length() : next);
      int headersEnd = part.indexOf("\r\n\r\n");
      String content = part.substring(headersEnd + 4);
      if (content.endsWith("\r\n")) {
        content = content.substring(0, content.length() - 2);
      }
      parts.add(content.getBytes(StandardCharsets.ISO_8859_1));
      at = next;
    }
    return parts.toArray(byte[][]::new);
  }

  private static String firstNonNull(String value, String fallback) {
    return value != null ? value : fallback;
  }

  @Override
  public void close() {
    server.close();
  }
}
