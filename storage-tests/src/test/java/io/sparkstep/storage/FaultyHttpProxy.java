package io.sparkstep.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A TCP proxy on loopback in front of a plain-HTTP store stand-in (S3, GCS, Azure Blob) that injects the faults of a
 * real store: an error answer (throttling: S3's {@code 503 SlowDown}, GCS's {@code 429}, Azure's
 * {@code 503 ServerBusy}) to the first requests whose request line matches, and a connection reset in the middle of
 * the body of the first matching upload larger than a size. It reads each request's head (HTTP/1.1, one request at a
 * time per connection, as the stores' SDKs send them) and copies its body by {@code Content-Length}; answers go back
 * as they come. Every request head that reached it is kept ({@link #heads()}), so a test can count what a commit cost
 * on the wire (PUTs, server-side copies).
 */
final class FaultyHttpProxy implements AutoCloseable {
  /**
   * An error answered instead of forwarding, {@code times} times, to requests whose request line matches: its status
   * line ({@code HTTP/1.1 503 Slow Down}), headers (the store's content type and error code) and body.
   */
  record Refusal(Pattern requestLine, int times, String statusLine, Map<String, String> headers, String body) {
  }

  /** A connection reset halfway through the body of the first request over {@code aboveBytes} whose line matches. */
  record Reset(Pattern requestLine, long aboveBytes) {
  }

  private final ServerSocket server;
  private final int upstreamPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "faulty-http-proxy");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Refusal> refusals;
  private final List<AtomicInteger> refusalsLeft;
  private final Reset reset;
  private final AtomicInteger resetsLeft = new AtomicInteger(1);
  private final List<String> heads = new CopyOnWriteArrayList<>();
  final AtomicInteger refusalsSent = new AtomicInteger();
  final AtomicInteger resetsSent = new AtomicInteger();

  private FaultyHttpProxy(ServerSocket server, int upstreamPort, List<Refusal> refusals, Reset reset) {
    this.server = server;
    this.upstreamPort = upstreamPort;
    this.refusals = List.copyOf(refusals);
    this.refusalsLeft = refusals.stream().map(refusal -> new AtomicInteger(refusal.times())).toList();
    this.reset = reset;
  }

  /** A proxy to the store on loopback port {@code upstreamPort}; refusals are tried in order, a null reset is none. */
  static FaultyHttpProxy start(int upstreamPort, List<Refusal> refusals, Reset reset) throws IOException {
    FaultyHttpProxy proxy = new FaultyHttpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        upstreamPort, refusals, reset);
    proxy.threads.submit(proxy::accept);
    return proxy;
  }

  int port() {
    return server.getLocalPort();
  }

  /** Each request head that reached the proxy (request line and headers), in order of arrival. */
  List<String> heads() {
    return List.copyOf(heads);
  }

  /** How many requests whose head matches {@code which} reached the proxy. */
  long count(Predicate<String> which) {
    return heads.stream().filter(which).count();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.submit(() -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket store = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      InputStream fromClient = client.getInputStream();
      OutputStream toStore = store.getOutputStream();
      threads.submit(() -> pump(store, client));
      while (true) {
        byte[] head = readHead(fromClient);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        heads.add(text);
        String requestLine = text.substring(0, Math.max(0, text.indexOf("\r\n")));
        long length = contentLength(text);
        if (text.toLowerCase(Locale.ROOT).contains("\ntransfer-encoding: chunked")) {
          // no length to count by: pass the rest of this connection through untouched
          toStore.write(head);
          fromClient.transferTo(toStore);
          return;
        }
        Refusal refusal = refusalFor(requestLine);
        if (refusal != null) {
          refusalsSent.incrementAndGet();
          // answered before the body (a client sending Expect: 100-continue holds it back), then closed
          answer(client, refusal);
          return;
        }
        if (reset != null && length > reset.aboveBytes() && reset.requestLine().matcher(requestLine).find()
            && resetsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          toStore.write(head);
          copy(fromClient, toStore, length / 2);
          toStore.flush();
          resetsSent.incrementAndGet();
          client.setSoLinger(true, 0); // close with RST: the client sees "connection reset" mid-body
          store.setSoLinger(true, 0); // and the store an upload cut short, as it would
          return;
        }
        toStore.write(head);
        copy(fromClient, toStore, length);
        toStore.flush();
      }
    } catch (IOException ended) {
      // either side closed the connection
    }
  }

  private Refusal refusalFor(String requestLine) {
    for (int i = 0; i < refusals.size(); i++) {
      if (refusals.get(i).requestLine().matcher(requestLine).find()
          && refusalsLeft.get(i).getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return refusals.get(i);
      }
    }
    return null;
  }

  private static void answer(Socket client, Refusal refusal) throws IOException {
    byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(refusal.statusLine()).append("\r\n");
    refusal.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    OutputStream out = client.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException ended) {
      // a side closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** The request line and headers up to the blank line, or null at the end of the connection. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Long.parseLong(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[8192];
    long left = length;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IOException("the client ended the body early");
      }
      out.write(buffer, 0, read);
      left -= read;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
