package io.sparkstep.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of the S3 stand-in that injects the faults of a real store: it answers
 * {@code 503 SlowDown} to the first {@code slowDowns} PUTs, and resets the connection in the middle of the body of the
 * first upload larger than {@code resetAbove} bytes. It reads each request's head (HTTP/1.1, one request at a time
 * per connection, as the AWS SDK sends them) and copies its body by {@code Content-Length}; answers go back as they
 * come. It also counts what a commit costs on the wire: PUTs, copies ({@code x-amz-copy-source}) and bytes uploaded.
 */
final class FaultyS3Proxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI upstream;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "faulty-s3-proxy");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicInteger slowDownsLeft;
  private final AtomicLong resetAbove;
  final AtomicInteger slowDownsSent = new AtomicInteger();
  final AtomicInteger resetsSent = new AtomicInteger();
  final AtomicInteger puts = new AtomicInteger();
  final AtomicInteger copies = new AtomicInteger();
  final AtomicLong bytesPut = new AtomicLong();

  private FaultyS3Proxy(ServerSocket server, URI upstream, int slowDowns, long resetAbove) {
    this.server = server;
    this.upstream = upstream;
    this.slowDownsLeft = new AtomicInteger(slowDowns);
    this.resetAbove = new AtomicLong(resetAbove);
  }

  /** A proxy to {@code upstream}; {@code resetAbove} &lt;= 0 resets nothing. */
  static FaultyS3Proxy start(String upstream, int slowDowns, long resetAbove) throws IOException {
    FaultyS3Proxy proxy = new FaultyS3Proxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        URI.create(upstream), slowDowns, resetAbove);
    proxy.threads.submit(proxy::accept);
    return proxy;
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
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
    try (client; Socket store = new Socket(upstream.getHost(), upstream.getPort())) {
      InputStream fromClient = client.getInputStream();
      OutputStream toStore = store.getOutputStream();
      threads.submit(() -> pump(store, client));
      while (true) {
        byte[] head = readHead(fromClient);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String method = text.substring(0, Math.max(0, text.indexOf(' ')));
        long length = contentLength(text);
        if (text.toLowerCase(Locale.ROOT).contains("\ntransfer-encoding: chunked")) {
          // no length to count by: pass the rest of this connection through untouched
          toStore.write(head);
          fromClient.transferTo(toStore);
          return;
        }
        if (method.equals("PUT")) {
          puts.incrementAndGet();
          if (text.toLowerCase(Locale.ROOT).contains("\nx-amz-copy-source:")) {
            copies.incrementAndGet();
          }
          if (slowDownsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            slowDownsSent.incrementAndGet();
            answerSlowDown(client);
            return;
          }
          long threshold = resetAbove.get();
          if (threshold > 0 && length > threshold && resetAbove.compareAndSet(threshold, 0)) {
            toStore.write(head);
            copy(fromClient, toStore, length / 2);
            toStore.flush();
            resetsSent.incrementAndGet();
            client.setSoLinger(true, 0); // close with RST: the client sees "connection reset" mid-body
            return;
          }
          bytesPut.addAndGet(length);
        }
        toStore.write(head);
        copy(fromClient, toStore, length);
        toStore.flush();
      }
    } catch (IOException ended) {
      // either side closed the connection
    }
  }

  private static void answerSlowDown(Socket client) throws IOException {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
        + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
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
