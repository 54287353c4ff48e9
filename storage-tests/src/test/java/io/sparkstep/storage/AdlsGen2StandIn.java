package io.sparkstep.storage;

import static io.sparkstep.storage.StandInHttpServer.decode;
import static io.sparkstep.storage.StandInHttpServer.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The ADLS Gen2 DFS REST API paths hadoop-azure 3.4.2's client uses on a hierarchical-namespace account, served
 * in-process over HTTPS on loopback from memory, for one account and one file system: file system create and
 * properties; path create (file, directory), append and flush by position, read with ranges, status (HEAD), list
 * (with continuation), rename as one call ({@code x-ms-rename-source}, atomic for directories as on a real HNS
 * account), delete (recursive), and the property and access-control calls. Directories are real entries, parents are
 * made as a create or rename needs them. Each request must carry a valid Shared Key {@code Authorization} header for
 * {@link #ACCOUNT} (the HMAC checked with {@link #ACCOUNT_KEY}); one without is answered 403 and listed by
 * {@link #unauthorized()}. Anything else gets 501 and is listed by {@link #unserved()}, so a new need of the
 * connector shows up by name. Azurite has no DFS API, hence this.
 */
final class AdlsGen2StandIn implements AutoCloseable {
  static final String ACCOUNT = "sparkstep";
  static final String FILE_SYSTEM = "lake";
  /** The account's DFS host, as abfss:// URIs name it; the endpoint setting sends its requests to loopback. */
  static final String HOST = ACCOUNT + ".dfs.core.windows.net";
  /** A made-up Shared Key (base64 of 32 bytes), as an operator would have it in the environment. */
  static final String ACCOUNT_KEY = Base64.getEncoder()
      .encodeToString("sparkstep-adls-gen2-stand-in-key".getBytes(StandardCharsets.US_ASCII));
  static final String TRUST_STORE_PASSWORD = "changeit";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  /** Entries per list answer: small, so that the connector's continuation is exercised by any real directory. */
  private static final int LIST_PAGE = 50;

  /** One path of the file system; a file's bytes are what its last flush made visible. */
  private record Entry(boolean directory, byte[] data, String etag, Instant modified) {
  }

  private StandInHttpServer server;
  private final Path trustStore;
  /** Paths without leading '/', the file system root being "". */
  private final NavigableMap<String, Entry> paths = new ConcurrentSkipListMap<>();
  /** Bytes appended to a file and not yet flushed. */
  private final Map<String, ByteArrayOutputStream> pending = new ConcurrentHashMap<>();
  private final AtomicLong etags = new AtomicLong(1);
  private final Set<String> served = new ConcurrentSkipListSet<>();
  private final Set<String> unserved = new ConcurrentSkipListSet<>();
  private final Set<String> unauthorized = new ConcurrentSkipListSet<>();
  private final List<String> renames = new CopyOnWriteArrayList<>();
  private volatile boolean fileSystemExists;

  private AdlsGen2StandIn(Path trustStore) {
    this.trustStore = trustStore;
  }

  /**
   * Starts the stand-in with a self-signed certificate for 127.0.0.1 made now by the JDK's keytool into
   * {@code dir}; the same PKCS12 file is the trust store a client JVM is given ({@link #trustStoreFlags()}).
   */
  static AdlsGen2StandIn start(Path dir) throws Exception {
    Path keyStore = dir.resolve("adls-gen2-stand-in.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "adls-gen2", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", TRUST_STORE_PASSWORD, "-keypass", TRUST_STORE_PASSWORD)
        .redirectErrorStream(true).start();
    String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + keytoolOutput);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      keys.load(in, TRUST_STORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, TRUST_STORE_PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    AdlsGen2StandIn standIn = new AdlsGen2StandIn(keyStore);
    standIn.server = StandInHttpServer.start("adls-gen2-stand-in", tls, standIn::handle);
    return standIn;
  }

  int port() {
    return server.port();
  }

  /**
   * What an operator sets for this account: its endpoint, HNS, Shared Key as a reference to the environment
   * variable {@code keyVariable}.
   */
  Map<String, String> sparkConf(String keyVariable) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.hadoop.fs.azure.abfs.endpoint", "127.0.0.1:" + port());
    conf.put("spark.hadoop.fs.azure.account.auth.type", "SharedKey");
    conf.put("spark.hadoop.fs.azure.account.key." + HOST, "${" + keyVariable + "}");
    conf.put("spark.hadoop.fs.azure.account.hns.enabled", "true");
    conf.put("spark.hadoop.fs.azure.createRemoteFileSystemDuringInitialization", "true");
    return conf;
  }

  /** The JVM flags that make a client JVM trust this stand-in's certificate (its default trust store, nothing else). */
  List<String> trustStoreFlags() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD);
  }

  /** A TLS context that trusts this stand-in's certificate only, for a client in this JVM. */
  SSLContext clientContext() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trustStore)) {
      trusted.load(in, TRUST_STORE_PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls;
  }

  /** Method and kind of each request served, e.g. {@code PATCH path?action=flush}. */
  Set<String> served() {
    return Set.copyOf(served);
  }

  /** Requests answered 501: what the connector asked for that this stand-in does not know. */
  Set<String> unserved() {
    return Set.copyOf(unserved);
  }

  /** Requests without a valid Shared Key signature for {@link #ACCOUNT}, answered 403. */
  Set<String> unauthorized() {
    return Set.copyOf(unauthorized);
  }

  /** Each rename served, as {@code SOURCE -> DESTINATION (file|directory)}, in order. */
  List<String> renames() {
    return List.copyOf(renames);
  }

  /** Whether {@code path} (under the file system, no leading '/') is a directory here. */
  boolean isDirectory(String path) {
    Entry entry = paths.get(path);
    return entry != null && entry.directory();
  }

  /** The files directly under directory {@code path} with their sizes. */
  Map<String, Integer> filesIn(String path) {
    Map<String, Integer> files = new LinkedHashMap<>();
    children(path, false).forEach((name, entry) -> {
      if (!entry.directory()) {
        files.put(name.substring(name.lastIndexOf('/') + 1), entry.data().length);
      }
    });
    return files;
  }

  private void handle(StandInHttpServer.Request request) throws IOException {
    HttpExchange exchange = request.exchange();
    try {
      // the JDK's HttpURLConnection has no PATCH: the connector sends PUT with the override header, as Azure accepts
      String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      String method = override != null ? override : request.method();
      Map<String, String> query = request.query();
      byte[] body = request.body();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization == null || !authorization.equals("SharedKey " + ACCOUNT + ":" + signature(exchange, body))) {
        unauthorized.add(method + " " + exchange.getRequestURI());
        error(exchange, 403, "AuthenticationFailed", "no valid Shared Key signature for " + ACCOUNT);
        return;
      }
      String[] target = target(exchange.getRequestURI().getRawPath());
      if (target == null || !target[0].equals(FILE_SYSTEM)) {
        error(exchange, 404, "FilesystemNotFound", "The specified filesystem does not exist.");
        return;
      }
      String path = target[1];
      String resource = query.get("resource");
      String action = query.get("action");
      if ("filesystem".equals(resource) && path.isEmpty()) {
        fileSystem(exchange, method, query);
        return;
      }
      if (!fileSystemExists) {
        error(exchange, 404, "FilesystemNotFound", "The specified filesystem does not exist.");
        return;
      }
      String kind = method + " path" + (resource != null ? "?resource=" + resource : "")
          + (action != null ? "?action=" + action : "");
      switch (method) {
        case "PUT" -> {
          String renameSource = exchange.getRequestHeaders().getFirst("x-ms-rename-source");
          if (renameSource != null) {
            served.add("PUT path (x-ms-rename-source)");
            rename(exchange, renameSource, path);
          } else if ("file".equals(resource) || "directory".equals(resource)) {
            served.add(kind);
            create(exchange, path, "directory".equals(resource));
          } else {
            unserved(exchange);
          }
        }
        case "PATCH" -> {
          served.add(kind);
          switch (action == null ? "" : action) {
            case "append" -> append(exchange, path, Long.parseLong(query.getOrDefault("position", "0")), body);
            case "flush" -> flush(exchange, path, Long.parseLong(query.getOrDefault("position", "0")));
            case "setProperties", "setAccessControl" -> existingPath(exchange, path);
            default -> unserved(exchange);
          }
        }
        case "HEAD" -> {
          served.add(kind);
          if (action == null || action.equals("getStatus") || action.equals("getAccessControl")) {
            status(exchange, path);
          } else {
            unserved(exchange);
          }
        }
        case "GET" -> {
          served.add(kind);
          read(exchange, path);
        }
        case "DELETE" -> {
          served.add(kind);
          delete(exchange, path, Boolean.parseBoolean(query.getOrDefault("recursive", "false")));
        }
        default -> unserved(exchange);
      }
    } catch (RuntimeException | IOException failure) {
      unserved.add("failed: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + failure);
      throw failure;
    }
  }

  /**
   * The Shared Key signature of a request as the account's key makes it: HMAC-SHA256 over the verb, the standard
   * headers, the {@code x-ms-} headers sorted and the canonical resource ({@code /ACCOUNT/PATH} and the non-empty
   * query parameters sorted), as Azure Storage documents it and hadoop-azure computes it.
   */
  private static String signature(HttpExchange exchange, byte[] body) {
    Headers headers = exchange.getRequestHeaders();
    StringBuilder signed = new StringBuilder(exchange.getRequestMethod());
    for (String header : List.of("Content-Encoding", "Content-Language")) {
      signed.append('\n').append(headerValue(headers, header));
    }
    signed.append('\n').append(body.length == 0 ? "" : Integer.toString(body.length));
    signed.append('\n').append(headerValue(headers, "Content-MD5"));
    signed.append('\n').append(headerValue(headers, "Content-Type"));
    signed.append('\n').append(headers.containsKey("x-ms-date") ? "" : headerValue(headers, "Date"));
    for (String header : List.of("If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range")) {
      signed.append('\n').append(headerValue(headers, header));
    }
    new TreeSet<>(headers.keySet().stream().map(name -> name.toLowerCase(Locale.ROOT))
        .filter(name -> name.startsWith("x-ms-")).toList())
        .forEach(name -> signed.append('\n').append(name).append(':').append(headerValue(headers, name)));
    signed.append("\n/").append(ACCOUNT).append(exchange.getRequestURI().getRawPath());
    new TreeMap<>(query(exchange.getRequestURI().getRawQuery())).forEach((name, value) -> {
      if (!value.isEmpty()) {
        signed.append('\n').append(name.toLowerCase(Locale.ROOT)).append(':').append(value);
      }
    });
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(Base64.getDecoder().decode(ACCOUNT_KEY), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(hmac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request header's values, each left-trimmed, joined by ','; "" when absent. */
  private static String headerValue(Headers headers, String name) {
    List<String> values = headers.get(name);
    return values == null ? "" : String.join(",", values.stream().map(String::stripLeading).toList());
  }

  /** Create, properties and list of the file system itself. */
  private void fileSystem(HttpExchange exchange, String method, Map<String, String> query) throws IOException {
    switch (method) {
      case "PUT" -> {
        served.add("PUT filesystem");
        if (fileSystemExists) {
          error(exchange, 409, "FilesystemAlreadyExists", "The specified filesystem already exists.");
          return;
        }
        fileSystemExists = true;
        paths.put("", directoryEntry());
        exchange.getResponseHeaders().set("ETag", paths.get("").etag());
        send(exchange, 201, new byte[0]);
      }
      case "HEAD" -> {
        served.add("HEAD filesystem");
        if (!fileSystemExists) {
          error(exchange, 404, "FilesystemNotFound", "The specified filesystem does not exist.");
          return;
        }
        exchange.getResponseHeaders().set("x-ms-namespace-enabled", "true");
        exchange.getResponseHeaders().set("x-ms-properties", "");
        exchange.getResponseHeaders().set("ETag", paths.get("").etag());
        exchange.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(paths.get("").modified()));
        send(exchange, 200, new byte[0]);
      }
      case "GET" -> {
        served.add("GET filesystem (list paths)");
        if (!fileSystemExists) {
          error(exchange, 404, "FilesystemNotFound", "The specified filesystem does not exist.");
          return;
        }
        list(exchange, query);
      }
      default -> unserved(exchange);
    }
  }

  private void create(HttpExchange exchange, String path, boolean directory) throws IOException {
    synchronized (paths) {
      Entry existing = paths.get(path);
      String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
      if (existing != null && "*".equals(ifNoneMatch)) {
        error(exchange, 409, "PathAlreadyExists", "The specified path already exists.");
        return;
      }
      if (existing != null && existing.directory() != directory) {
        error(exchange, 409, "PathConflict",
            "The specified path exists and its resource type is invalid for this operation.");
        return;
      }
      if (!makeParents(path)) {
        error(exchange, 409, "PathConflict", "An element of the path is a file.");
        return;
      }
      if (directory) {
        if (existing == null) {
          paths.put(path, directoryEntry());
        }
      } else {
        paths.put(path, fileEntry(new byte[0]));
        pending.remove(path);
      }
      exchange.getResponseHeaders().set("ETag", paths.get(path).etag());
      exchange.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(paths.get(path).modified()));
      send(exchange, 201, new byte[0]);
    }
  }

  private void append(HttpExchange exchange, String path, long position, byte[] body) throws IOException {
    Entry file = paths.get(path);
    if (file == null || file.directory()) {
      error(exchange, 404, "PathNotFound", "The specified path does not exist.");
      return;
    }
    ByteArrayOutputStream buffer = pending.computeIfAbsent(path, key -> new ByteArrayOutputStream());
    synchronized (buffer) {
      long expected = file.data().length + buffer.size();
      if (position != expected) {
        error(exchange, 400, "InvalidAppendPosition", "append at " + position + ", expected " + expected);
        return;
      }
      buffer.write(body);
    }
    send(exchange, 202, new byte[0]);
  }

  private void flush(HttpExchange exchange, String path, long position) throws IOException {
    synchronized (paths) {
      Entry file = paths.get(path);
      if (file == null || file.directory()) {
        error(exchange, 404, "PathNotFound", "The specified path does not exist.");
        return;
      }
      ByteArrayOutputStream buffer = pending.remove(path);
      byte[] appended = buffer == null ? new byte[0] : buffer.toByteArray();
      byte[] data = new byte[file.data().length + appended.length];
      System.arraycopy(file.data(), 0, data, 0, file.data().length);
      System.arraycopy(appended, 0, data, file.data().length, appended.length);
      if (position != data.length) {
        error(exchange, 400, "InvalidFlushPosition", "flush at " + position + ", have " + data.length);
        return;
      }
      Entry flushed = fileEntry(data);
      paths.put(path, flushed);
      exchange.getResponseHeaders().set("ETag", flushed.etag());
      exchange.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(flushed.modified()));
      send(exchange, 200, new byte[0]);
    }
  }

  private void status(HttpExchange exchange, String path) throws IOException {
    Entry entry = paths.get(path);
    if (entry == null) {
      error(exchange, 404, "PathNotFound", "The specified path does not exist.");
      return;
    }
    pathHeaders(exchange, entry);
    exchange.getResponseHeaders().set("Content-Length", Integer.toString(entry.directory() ? 0 : entry.data().length));
    send(exchange, 200, new byte[0]);
  }

  private void existingPath(HttpExchange exchange, String path) throws IOException {
    Entry entry = paths.get(path);
    if (entry == null) {
      error(exchange, 404, "PathNotFound", "The specified path does not exist.");
      return;
    }
    exchange.getResponseHeaders().set("ETag", entry.etag());
    send(exchange, 200, new byte[0]);
  }

  private void read(HttpExchange exchange, String path) throws IOException {
    Entry entry = paths.get(path);
    if (entry == null) {
      error(exchange, 404, "PathNotFound", "The specified path does not exist.");
      return;
    }
    if (entry.directory()) {
      error(exchange, 400, "InvalidRange", "The specified path is a directory.");
      return;
    }
    byte[] data = entry.data();
    pathHeaders(exchange, entry);
    String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
    Matcher range = rangeHeader == null ? null : RANGE.matcher(rangeHeader);
    if (range == null || !range.matches()) {
      send(exchange, 200, data);
      return;
    }
    long first = Long.parseLong(range.group(1));
    if (first >= data.length) {
      exchange.getResponseHeaders().set("Content-Range", "bytes */" + data.length);
      error(exchange, 416, "InvalidRange", "The range specified is invalid for the current size of the resource.");
      return;
    }
    long last = range.group(2).isEmpty() ? data.length - 1 : Math.min(Long.parseLong(range.group(2)), data.length - 1);
    exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + data.length);
    send(exchange, 206, Arrays.copyOfRange(data, (int) first, (int) last + 1));
  }

  /** One page of entries under {@code directory=}, the next page's start in {@code x-ms-continuation}. */
  private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
    String directory = trimSlashes(query.getOrDefault("directory", ""));
    Entry listed = paths.get(directory);
    if (listed == null) {
      error(exchange, 404, "PathNotFound", "The specified path does not exist.");
      return;
    }
    boolean recursive = Boolean.parseBoolean(query.getOrDefault("recursive", "false"));
    String after = query.getOrDefault("continuation", "");
    int max = Math.min(LIST_PAGE, Integer.parseInt(query.getOrDefault("maxResults", "5000")));
    ArrayNode page = JSON.createArrayNode();
    String last = null;
    boolean more = false;
    if (listed.directory()) {
      for (Map.Entry<String, Entry> child : children(directory, recursive).entrySet()) {
        if (!after.isEmpty() && child.getKey().compareTo(after) <= 0) {
          continue;
        }
        if (page.size() == max) {
          more = true;
          break;
        }
        page.add(listEntry(child.getKey(), child.getValue()));
        last = child.getKey();
      }
    } else {
      page.add(listEntry(directory, listed));
    }
    if (more) {
      exchange.getResponseHeaders().set("x-ms-continuation", last);
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.set("paths", page);
    respond(exchange, 200, answer);
  }

  /**
   * Moves {@code source} (with everything under it) to {@code destination} in one step, as an HNS account does: a
   * reader sees the whole old tree or the whole new one.
   */
  private void rename(HttpExchange exchange, String renameSource, String destination) throws IOException {
    String rawSource = renameSource.contains("?") ? renameSource.substring(0, renameSource.indexOf('?')) : renameSource;
    String[] source = target(rawSource);
    if (source == null || !source[0].equals(FILE_SYSTEM)) {
      error(exchange, 400, "InvalidSourceOrDestinationResourceType", "rename across file systems: " + renameSource);
      return;
    }
    synchronized (paths) {
      Entry moved = paths.get(source[1]);
      if (moved == null) {
        error(exchange, 404, "SourcePathNotFound", "The source path for a rename operation does not exist.");
        return;
      }
      String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
      if (paths.containsKey(destination) && "*".equals(ifNoneMatch)) {
        error(exchange, 409, "PathAlreadyExists", "The specified path already exists.");
        return;
      }
      Entry destinationEntry = paths.get(destination);
      if (destinationEntry != null && (destinationEntry.directory() || moved.directory())) {
        error(exchange, 409, "PathAlreadyExists", "The specified path already exists.");
        return;
      }
      if (!paths.containsKey(parent(destination))) {
        error(exchange, 404, "RenameDestinationParentPathNotFound", "The parent of the destination does not exist.");
        return;
      }
      Map<String, Entry> tree = new LinkedHashMap<>();
      tree.put(source[1], moved);
      tree.putAll(children(source[1], true));
      tree.keySet().forEach(paths::remove);
      tree.forEach((name, entry) -> paths.put(destination + name.substring(source[1].length()), entry));
      renames.add(source[1] + " -> " + destination + (moved.directory() ? " (directory)" : " (file)"));
    }
    send(exchange, 201, new byte[0]);
  }

  private void delete(HttpExchange exchange, String path, boolean recursive) throws IOException {
    synchronized (paths) {
      Entry entry = paths.get(path);
      if (entry == null) {
        error(exchange, 404, "PathNotFound", "The specified path does not exist.");
        return;
      }
      Map<String, Entry> under = children(path, true);
      if (entry.directory() && !under.isEmpty() && !recursive) {
        error(exchange, 409, "DirectoryNotEmpty", "The recursive query parameter value must be true to delete a "
            + "non-empty directory.");
        return;
      }
      under.keySet().forEach(paths::remove);
      if (path.isEmpty()) {
        paths.put("", directoryEntry());
      } else {
        paths.remove(path);
      }
      pending.remove(path);
    }
    send(exchange, 200, new byte[0]);
  }

  /** The entries under directory {@code path}: its children, or every descendant when {@code recursive}. */
  private Map<String, Entry> children(String path, boolean recursive) {
    String prefix = path.isEmpty() ? "" : path + "/";
    Map<String, Entry> children = new LinkedHashMap<>();
    for (Map.Entry<String, Entry> entry : paths.tailMap(prefix, false).entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        break;
      }
      if (!entry.getKey().isEmpty() && (recursive || entry.getKey().indexOf('/', prefix.length()) < 0)) {
        children.put(entry.getKey(), entry.getValue());
      }
    }
    return children;
  }

  /** Makes the missing directories above {@code path}; false when one of them is a file. */
  private boolean makeParents(String path) {
    List<String> missing = new ArrayList<>();
    for (String parent = parent(path); ; parent = parent(parent)) {
      Entry entry = paths.get(parent);
      if (entry != null) {
        if (!entry.directory()) {
          return false;
        }
        break;
      }
      missing.add(parent);
      if (parent.isEmpty()) {
        break;
      }
    }
    missing.forEach(directory -> paths.put(directory, directoryEntry()));
    return true;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private Entry directoryEntry() {
    return new Entry(true, new byte[0], etag(), Instant.now());
  }

  private Entry fileEntry(byte[] data) {
    return new Entry(false, data, etag(), Instant.now());
  }

  private String etag() {
    return "\"0x8DC" + Long.toHexString(etags.incrementAndGet()).toUpperCase() + "\"";
  }

  private static void pathHeaders(HttpExchange exchange, Entry entry) {
    exchange.getResponseHeaders().set("x-ms-resource-type", entry.directory() ? "directory" : "file");
    exchange.getResponseHeaders().set("ETag", entry.etag());
    exchange.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(entry.modified()));
    exchange.getResponseHeaders().set("x-ms-owner", "$superuser");
    exchange.getResponseHeaders().set("x-ms-group", "$superuser");
    exchange.getResponseHeaders().set("x-ms-permissions", entry.directory() ? "rwxr-x---" : "rw-r-----");
    exchange.getResponseHeaders().set("x-ms-acl", entry.directory() ? "user::rwx,group::r-x,other::---"
        : "user::rw-,group::r--,other::---");
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
  }

  private static ObjectNode listEntry(String name, Entry entry) {
    ObjectNode json = JSON.createObjectNode().put("name", name)
        .put("contentLength", Integer.toString(entry.directory() ? 0 : entry.data().length))
        .put("lastModified", HTTP_DATE.format(entry.modified())).put("etag", entry.etag())
        .put("owner", "$superuser").put("group", "$superuser")
        .put("permissions", entry.directory() ? "rwxr-x---" : "rw-r-----");
    if (entry.directory()) {
      json.put("isDirectory", "true");
    }
    return json;
  }

  /**
   * File system and path of a request path: {@code /FILESYSTEM/PATH}, or {@code /ACCOUNT/FILESYSTEM/PATH} as the
   * connector sends it to an endpoint given by IP address; null for anything shorter.
   */
  private static String[] target(String rawPath) {
    List<String> segments = new ArrayList<>(Arrays.asList(trimSlashes(rawPath).split("/", -1)));
    if (segments.size() > 1 && segments.get(0).equals(ACCOUNT)) {
      segments.remove(0);
    }
    if (segments.isEmpty() || segments.get(0).isEmpty()) {
      return null;
    }
    String fileSystem = decode(segments.remove(0));
    List<String> names = segments.stream().map(StandInHttpServer::decode).toList();
    return new String[] {fileSystem, trimSlashes(String.join("/", names))};
  }

  private static String trimSlashes(String path) {
    int start = 0;
    int end = path.length();
    while (start < end && path.charAt(start) == '/') {
      start++;
    }
    while (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(start, end);
  }

  private void unserved(HttpExchange exchange) throws IOException {
    unserved.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    error(exchange, 501, "NotImplemented", "not served by the ADLS Gen2 stand-in: " + exchange.getRequestMethod()
        + " " + exchange.getRequestURI());
  }

  private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
    exchange.getResponseHeaders().set("x-ms-error-code", code);
    if (exchange.getRequestMethod().equals("HEAD")) {
      send(exchange, status, new byte[0]);
      return;
    }
    ObjectNode error = JSON.createObjectNode();
    error.putObject("error").put("code", code).put("message", message);
    respond(exchange, status, error);
  }

  private static void respond(HttpExchange exchange, int status, ObjectNode json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    send(exchange, status, JSON.writeValueAsBytes(json));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
    exchange.getResponseHeaders().set("x-ms-version", "2023-11-03");
    StandInHttpServer.send(exchange, status, body);
  }

  @Override
  public void close() {
    server.close();
  }
}
