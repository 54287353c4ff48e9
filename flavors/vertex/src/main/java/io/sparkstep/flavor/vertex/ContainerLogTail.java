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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the job container's log lines from Cloud Logging with the job's query, oldest first, each line once: the
 * next read asks for entries at or after the newest timestamp seen and skips the insert ids already returned there.
 */
final class ContainerLogTail implements AutoCloseable {
  private final VertexSettings settings;
  private final String project;
  private final String query;
  private LoggingClient client;
  private Timestamp newest;
  private final Set<String> seenAtNewest = new HashSet<>();

  ContainerLogTail(VertexSettings settings, String project, String query) {
    this.settings = settings;
    this.project = project;
    this.query = query;
  }

  /** Lines logged since the last call. */
  List<String> poll() {
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
    return lines;
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
