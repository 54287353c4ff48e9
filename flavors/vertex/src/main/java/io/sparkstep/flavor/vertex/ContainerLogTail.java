package io.sparkstep.flavor.vertex;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.logging.v2.LoggingClient;
import com.google.cloud.logging.v2.LoggingSettings;
import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import io.sparkstep.spi.remote.RunLogAppender;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Reads the job container's log lines from Cloud Logging with the job's query, oldest first, each line once: the
 * cursor (persisted by the SPI's {@link RunLogAppender}, so it holds across processes) is the newest timestamp seen
 * and the insert ids already returned at it; the next read asks for entries at or after that timestamp and skips
 * those ids.
 */
final class ContainerLogTail implements AutoCloseable, RunLogAppender.LogSource {
  private static final String NEWEST = "newest";
  private static final String SEEN_AT_NEWEST = "seenAtNewest";
  private final VertexSettings settings;
  private final String project;
  private final String query;
  private LoggingClient client;

  ContainerLogTail(VertexSettings settings, String project, String query) {
    this.settings = settings;
    this.project = project;
    this.query = query;
  }

  /** Lines logged after the cursor, and the cursor after them. */
  @Override
  public RunLogAppender.Page after(Map<String, String> cursor) throws java.text.ParseException {
    Timestamp newest = cursor.containsKey(NEWEST) ? Timestamps.parse(cursor.get(NEWEST)) : null;
    Set<String> seenAtNewest = new LinkedHashSet<>();
    if (cursor.containsKey(SEEN_AT_NEWEST) && !cursor.get(SEEN_AT_NEWEST).isEmpty()) {
      seenAtNewest.addAll(List.of(cursor.get(SEEN_AT_NEWEST).split(",")));
    }
    String filter = query;
    if (newest != null) {
      filter += " AND timestamp>=\"" + Timestamps.toString(newest) + "\"";
    }
    ListLogEntriesRequest request = ListLogEntriesRequest.newBuilder()
        .addResourceNames("projects/" + project)
        .setFilter(filter)
        .setOrderBy("timestamp asc")
        .setPageSize(1000)
        .build();
    List<String> lines = new ArrayList<>();
    for (LogEntry entry : client().listLogEntries(request).iterateAll()) {
      Timestamp at = entry.getTimestamp();
      int order = newest == null ? 1 : Timestamps.compare(at, newest);
      if (order < 0 || (order == 0 && !seenAtNewest.add(entry.getInsertId()))) {
        continue;
      }
      if (order > 0) {
        newest = at;
        seenAtNewest.clear();
        seenAtNewest.add(entry.getInsertId());
      }
      lines.add(text(entry));
    }
    if (newest == null) {
      return RunLogAppender.Page.of(lines, cursor);
    }
    return RunLogAppender.Page.of(lines, Map.of(NEWEST, Timestamps.toString(newest),
        SEEN_AT_NEWEST, String.join(",", seenAtNewest)));
  }

  private static String text(LogEntry entry) {
    if (entry.hasTextPayload()) {
      return entry.getTextPayload();
    }
    if (entry.hasJsonPayload() && entry.getJsonPayload().containsFields("message")) {
      return entry.getJsonPayload().getFieldsOrThrow("message").getStringValue();
    }
    return entry.getPayloadCase() + " entry " + entry.getInsertId();
  }

  private synchronized LoggingClient client() {
    if (client == null) {
      try {
        LoggingSettings.Builder builder = LoggingSettings.newBuilder().setEndpoint(settings.loggingEndpoint);
        if (settings.plaintext) {
          builder.setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
              .setEndpoint(settings.loggingEndpoint)
              .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
              .build());
          builder.setCredentialsProvider(NoCredentialsProvider.create());
        }
        client = LoggingClient.create(builder.build());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the Cloud Logging client: " + e.getMessage(), e);
      }
    }
    return client;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
