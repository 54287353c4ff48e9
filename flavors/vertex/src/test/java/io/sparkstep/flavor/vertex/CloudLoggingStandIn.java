package io.sparkstep.flavor.vertex;

import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.ListLogEntriesResponse;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloud Logging's {@code LoggingServiceV2/ListLogEntries} over gRPC, serving each job container's output lines as
 * log entries of resource type {@code ml_job}, stamped when first seen, filtered by job id and timestamp. Built from
 * the method's wire name and the published protos (the generated service stub for this release is not served).
 */
final class CloudLoggingStandIn {
  private static final Pattern JOB_ID = Pattern.compile("resource\\.labels\\.job_id=\"(\\d+)\"");
  private static final Pattern SINCE = Pattern.compile("timestamp>=\"([^\"]+)\"");
  static final MethodDescriptor<ListLogEntriesRequest, ListLogEntriesResponse> LIST_LOG_ENTRIES =
      MethodDescriptor.<ListLogEntriesRequest, ListLogEntriesResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("google.logging.v2.LoggingServiceV2/ListLogEntries")
          .setRequestMarshaller(ProtoUtils.marshaller(ListLogEntriesRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ListLogEntriesResponse.getDefaultInstance()))
          .build();

  private final Path logDir;
  private final Map<String, List<LogEntry>> entries = new ConcurrentHashMap<>();
  private final Map<String, Long> consumed = new ConcurrentHashMap<>();

  CloudLoggingStandIn(Path logDir) {
    this.logDir = logDir;
  }

  ServerServiceDefinition service() {
    return ServerServiceDefinition.builder("google.logging.v2.LoggingServiceV2")
        .addMethod(LIST_LOG_ENTRIES, ServerCalls.asyncUnaryCall(this::listLogEntries))
        .build();
  }

  private void listLogEntries(ListLogEntriesRequest request, StreamObserver<ListLogEntriesResponse> response) {
    if (request.getResourceNamesCount() == 0 || !request.getResourceNames(0).startsWith("projects/")) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("resource_names must name a project")
          .asRuntimeException());
      return;
    }
    Matcher job = JOB_ID.matcher(request.getFilter());
    if (!request.getFilter().contains("resource.type=\"ml_job\"") || !job.find()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("unsupported filter: " + request.getFilter())
          .asRuntimeException());
      return;
    }
    Timestamp since = null;
    Matcher sinceMatch = SINCE.matcher(request.getFilter());
    try {
      if (sinceMatch.find()) {
        since = Timestamps.parse(sinceMatch.group(1));
      }
      List<LogEntry> all = readNewLines(job.group(1));
      ListLogEntriesResponse.Builder out = ListLogEntriesResponse.newBuilder();
      for (LogEntry entry : all) {
        if (since == null || Timestamps.compare(entry.getTimestamp(), since) >= 0) {
          out.addEntries(entry);
        }
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (java.text.ParseException | IOException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /** Complete lines the container wrote since the last read become entries stamped now. */
  private synchronized List<LogEntry> readNewLines(String jobId) throws IOException {
    List<LogEntry> list = entries.computeIfAbsent(jobId, k -> new ArrayList<>());
    Path file = logDir.resolve(jobId + ".log");
    if (Files.exists(file)) {
      byte[] bytes = Files.readAllBytes(file);
      long from = consumed.getOrDefault(jobId, 0L);
      int end = bytes.length;
      while (end > from && bytes[end - 1] != '\n') {
        end--;
      }
      if (end > from) {
        String text = new String(bytes, (int) from, (int) (end - from), StandardCharsets.UTF_8);
        Timestamp now = Timestamps.fromMillis(System.currentTimeMillis());
        for (String line : text.split("\n")) {
          list.add(LogEntry.newBuilder().setInsertId(jobId + "-" + list.size()).setTimestamp(now)
              .setLogName("projects/p/logs/workerpool0-0").setTextPayload(line).build());
        }
        consumed.put(jobId, (long) end);
      }
    }
    return new ArrayList<>(list);
  }
}
