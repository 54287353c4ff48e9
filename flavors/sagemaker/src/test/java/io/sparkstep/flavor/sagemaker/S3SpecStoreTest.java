package io.sparkstep.flavor.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sparkstep.spi.OperatorConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spec store's S3 path with the real S3 client against a minimal path-style S3 on 127.0.0.1 (PUT and GET object,
 * NoSuchKey): a spec too large for the environment is uploaded and handed to the container as s3a://.
 */
class S3SpecStoreTest {
  private HttpServer server;
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        authorizations.put(path, String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        byte[] body = exchange.getRequestBody().readAllBytes();
        if ("PUT".equals(exchange.getRequestMethod())) {
          String payload = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-content-sha256"));
          objects.put(path, payload.startsWith("STREAMING-") ? decodeAwsChunked(body) : body);
          exchange.getResponseHeaders().set("ETag", "\"e\"");
          exchange.sendResponseHeaders(200, -1);
        } else if (objects.containsKey(path)) {
          byte[] object = objects.get(path);
          exchange.sendResponseHeaders(200, object.length);
          exchange.getResponseBody().write(object);
        } else {
          byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
              + "<Message>The specified key does not exist.</Message></Error>").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/xml");
          exchange.sendResponseHeaders(404, error.length);
          exchange.getResponseBody().write(error);
        }
      }
    });
    server.start();
  }

  /** S3's aws-chunked body: {@code HEX;chunk-signature=SIG\r\nDATA\r\n} ... ending with a zero-length chunk. */
  private static byte[] decodeAwsChunked(byte[] body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length) {
      int lineEnd = pos;
      while (body[lineEnd] != '\r') {
        lineEnd++;
      }
      String header = new String(body, pos, lineEnd - pos, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(header.split(";")[0], 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      pos = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void largeSpecIsUploadedToS3AndPassedAsS3a() {
    String previousKey = System.setProperty("aws.accessKeyId", "AKIAS3STANDIN0000000");
    String previousSecret = System.setProperty("aws.secretAccessKey", "s3StandInSecret");
    try {
      OperatorConfig config = new OperatorConfig("s3test", "sagemaker", Map.of("region", "us-east-1",
          "s3Endpoint", "http://127.0.0.1:" + server.getAddress().getPort()), SageMakerSettings.OPTIONS);
      try (AwsClients clients = new AwsClients(config)) {
        SpecStore store = new SpecStore("s3://spec-bucket/sparkstep/", clients::s3);
        String spec = "{\"step\":\"generate-trips\",\"params\":{\"pad\":\"" + "x".repeat(700) + "\"}}";
        Map<String, String> env = SpecDelivery.environment(spec, "run-1", store);
        assertEquals("s3a://spec-bucket/sparkstep/run-1/spec.json", env.get("SPARKSTEP_SPEC_URI"));
        assertEquals("s3a://spec-bucket/sparkstep/run-1/run", env.get("SPARKSTEP_RUN_DIR"));
        assertEquals(spec, new String(objects.get("/spec-bucket/sparkstep/run-1/spec.json"), StandardCharsets.UTF_8));
        assertTrue(authorizations.get("/spec-bucket/sparkstep/run-1/spec.json")
            .contains("Credential=AKIAS3STANDIN0000000/"));
        assertEquals(Optional.of(spec), store.read("s3://spec-bucket/sparkstep/run-1/spec.json"));
        assertEquals(Optional.empty(), store.read("s3://spec-bucket/sparkstep/run-1/run/record.json"));
      }
    } finally {
      restore("aws.accessKeyId", previousKey);
      restore("aws.secretAccessKey", previousSecret);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
