package io.sparkstep.flavor.sagemaker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sparkstep.testing.EntrypointProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * SageMaker and CloudWatch Logs on 127.0.0.1, speaking AWS JSON 1.1 ({@code X-Amz-Target}). It checks requests the way
 * the service does (signature present, required fields, name and ARN patterns, environment limits), runs the step
 * image's entrypoint as a local JVM with the job's Environment, reports TrainingJobStatus as SageMaker does, and
 * serves the process's output as the job's log stream. Faults can be queued per operation.
 */
final class SageMakerStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOB_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
  private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");
  private static final Pattern ENV_KEY = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]{0,511}$");
  static final String LOG_GROUP = "/aws/sagemaker/TrainingJobs";
  /** A fault type: perform the operation, then answer with the fault's status as if it had failed. */
  static final String ACCEPT_THEN_FAIL = "AcceptThenFail";

  /** One queued failure: the next call of an operation answers this instead. */
  record Fault(int status, String type, String message) {
  }

  /** One request as received: operation, Authorization header, body. */
  record Call(String operation, String authorization, JsonNode body) {
  }

  final class Job {
    final String name;
    final JsonNode request;
    final Path log;
    final long created = System.currentTimeMillis();
    final long streamEpoch = created / 1000;
    volatile String status = "InProgress";
    volatile String secondary = "Starting";
    volatile String failureReason;
    volatile Process process;
    volatile boolean stopRequested;

    Job(String name, JsonNode request, Path log) {
      this.name = name;
      this.request = request;
      this.log = log;
    }
  }

  private final HttpServer server;
  private final Path workDir;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private volatile RoleCredentials roleCredentials;
  private final AtomicInteger roleCredentialRequests = new AtomicInteger();

  /** What the job's execution role grants its container: served at {@link #ROLE_CREDENTIALS_PATH}. */
  record RoleCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
  }

  /** The path of the container credentials endpoint on this stand-in's port. */
  static final String ROLE_CREDENTIALS_PATH = "/role-credentials";

  SageMakerStandIn(Path workDir) throws IOException {
    this.workDir = workDir;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.createContext(ROLE_CREDENTIALS_PATH, this::serveRoleCredentials);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The settings every sagemaker operator on this stand-in has: role, image, output path, its spec store. */
  java.util.Map<String, String> operatorSettings(java.nio.file.Path specStore) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("roleArn", "arn:aws:iam::123456789012:role/SparkstepTraining");
    settings.put("image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/sparkstep:test");
    settings.put("outputPath", "s3://sparkstep-test/output");
    settings.put("specStore", specStore.toUri().toString());
    settings.put("region", "us-east-1");
    settings.put("endpoint", endpoint());
    settings.put("pollMillis", "300");
    return settings;
  }

  /**
   * From now on, jobs get the role's credentials as SageMaker gives them: an endpoint the container's AWS SDK asks,
   * named in its environment. SageMaker names one on a link-local address with AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
   * here it is this stand-in's loopback port, named with AWS_CONTAINER_CREDENTIALS_FULL_URI, which the SDK's
   * ContainerCredentialsProvider (part of the default chain a run on s3a gets, S3ADefaults) reads alike.
   */
  void grantRoleCredentials(RoleCredentials credentials) {
    roleCredentials = credentials;
  }

  /** How often a container asked for its role's credentials. */
  int roleCredentialRequests() {
    return roleCredentialRequests.get();
  }

  private void serveRoleCredentials(HttpExchange exchange) throws IOException {
    try (exchange) {
      RoleCredentials credentials = roleCredentials;
      if (credentials == null || !"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 404, error("NotFound", "no role credentials here"));
        return;
      }
      roleCredentialRequests.incrementAndGet();
      ObjectNode body = JSON.createObjectNode();
      body.put("AccessKeyId", credentials.accessKeyId());
      body.put("SecretAccessKey", credentials.secretAccessKey());
      body.put("Token", credentials.sessionToken());
      body.put("Expiration", Instant.now().plus(Duration.ofHours(1))
          .truncatedTo(ChronoUnit.SECONDS).toString());
      send(exchange, 200, body);
    }
  }

  void failNext(String operation, int status, String type, String message) {
    faults.computeIfAbsent(operation, k -> new ArrayDeque<>()).add(new Fault(status, type, message));
  }

  List<Call> calls(String operation) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }
  }

  List<Call> allCalls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  Job job(String name) {
    return jobs.get(name);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] raw = exchange.getRequestBody().readAllBytes();
      if (!"POST".equals(exchange.getRequestMethod()) || target == null
          || !"application/x-amz-json-1.1".equals(contentType)) {
        send(exchange, 400, error("UnknownOperationException", "expected a POST in AWS JSON 1.1"));
        return;
      }
      if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        send(exchange, 403, error("MissingAuthenticationTokenException", "request is not signed"));
        return;
      }
      String operation = target.substring(target.indexOf('.') + 1);
      JsonNode body = JSON.readTree(raw.length == 0 ? "{}" : new String(raw, StandardCharsets.UTF_8));
      calls.add(new Call(operation, auth, body));
      Deque<Fault> queued = faults.get(operation);
      Fault fault = queued == null ? null : queued.poll();
      if (fault != null && !fault.type().equals(ACCEPT_THEN_FAIL)) {
        send(exchange, fault.status(), error(fault.type(), fault.message()));
        return;
      }
      try {
        JsonNode response = switch (target) {
          case "SageMaker.CreateTrainingJob" -> create(body);
          case "SageMaker.DescribeTrainingJob" -> describe(body);
          case "SageMaker.StopTrainingJob" -> stop(body);
          case "Logs_20140328.DescribeLogStreams" -> describeLogStreams(body);
          case "Logs_20140328.GetLogEvents" -> getLogEvents(body);
          default -> throw new Refusal("UnknownOperationException", "unknown operation " + target);
        };
        if (fault != null) {
          // the operation took effect, but its answer is lost: what a retry must cope with
          send(exchange, fault.status(), error("InternalFailure", fault.message()));
          return;
        }
        send(exchange, 200, response);
      } catch (Refusal refusal) {
        send(exchange, 400, error(refusal.type, refusal.getMessage()));
      }
    }
  }

  private JsonNode create(JsonNode body) throws IOException {
    String name = required(body, "TrainingJobName");
    check(JOB_NAME.matcher(name).matches(), "TrainingJobName " + name + " must match " + JOB_NAME.pattern());
    String role = required(body, "RoleArn");
    check(ROLE_ARN.matcher(role).matches(), "RoleArn " + role + " must match " + ROLE_ARN.pattern());
    JsonNode algorithm = body.path("AlgorithmSpecification");
    required(algorithm, "TrainingImage");
    String mode = required(algorithm, "TrainingInputMode");
    check(List.of("File", "Pipe", "FastFile").contains(mode), "TrainingInputMode must be File, Pipe or FastFile");
    JsonNode resources = body.path("ResourceConfig");
    required(resources, "InstanceType");
    check(resources.path("InstanceCount").asInt(0) >= 1, "ResourceConfig.InstanceCount must be at least 1");
    check(resources.path("VolumeSizeInGB").asInt(0) >= 1, "ResourceConfig.VolumeSizeInGB must be at least 1");
    check(body.path("StoppingCondition").path("MaxRuntimeInSeconds").asInt(0) >= 1,
        "StoppingCondition.MaxRuntimeInSeconds must be at least 1");
    String output = required(body.path("OutputDataConfig"), "S3OutputPath");
    check(output.startsWith("s3://") || output.startsWith("https://"), "S3OutputPath must be an s3:// or https:// URI");
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode environment = body.path("Environment");
    check(environment.size() <= 100, "Environment has more than 100 entries");
    for (Iterator<Map.Entry<String, JsonNode>> it = environment.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      check(ENV_KEY.matcher(e.getKey()).matches(), "Environment key " + e.getKey() + " is invalid");
      check(e.getValue().asText().length() <= 512, "Environment value for " + e.getKey()
          + " is longer than 512 characters");
      env.put(e.getKey(), e.getValue().asText());
    }
    JsonNode vpc = body.path("VpcConfig");
    if (!vpc.isMissingNode()) {
      check(vpc.path("Subnets").size() >= 1 && vpc.path("Subnets").size() <= 16, "VpcConfig.Subnets needs 1 to 16");
      check(vpc.path("SecurityGroupIds").size() >= 1 && vpc.path("SecurityGroupIds").size() <= 5,
          "VpcConfig.SecurityGroupIds needs 1 to 5");
    }
    check(body.path("Tags").size() <= 50, "at most 50 tags");
    Job job = new Job(name, body, workDir.resolve(name + ".log"));
    if (jobs.putIfAbsent(name, job) != null) {
      throw new Refusal("ResourceInUse", "Training job names must be unique within an AWS account and region, and a"
          + " training job with this name already exists (" + name + ")");
    }
    Files.createDirectories(workDir);
    // What the container gets: the job's Environment plus what SageMaker adds itself.
    env.put("TRAINING_JOB_NAME", name);
    env.put("TRAINING_JOB_ARN", arn(name));
    if (roleCredentials != null) {
      env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint() + ROLE_CREDENTIALS_PATH);
    }
    job.process = EntrypointProcess.start(env, List.of(), job.log);
    job.secondary = "Training";
    Thread watcher = new Thread(() -> watch(job), "standin-" + name);
    watcher.setDaemon(true);
    watcher.start();
    ObjectNode out = JSON.createObjectNode();
    out.put("TrainingJobArn", arn(name));
    return out;
  }

  private void watch(Job job) {
    try {
      int code = job.process.waitFor();
      if (job.stopRequested) {
        job.status = "Stopped";
        job.secondary = "Stopped";
      } else if (code == 0) {
        job.status = "Completed";
        job.secondary = "Completed";
      } else {
        job.status = "Failed";
        job.secondary = "Failed";
        job.failureReason = "AlgorithmError: the container exited with code " + code;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonNode describe(JsonNode body) {
    Job job = existing(required(body, "TrainingJobName"));
    ObjectNode out = JSON.createObjectNode();
    out.put("TrainingJobName", job.name);
    out.put("TrainingJobArn", arn(job.name));
    out.put("TrainingJobStatus", job.status);
    out.put("SecondaryStatus", job.secondary);
    if (job.failureReason != null) {
      out.put("FailureReason", job.failureReason);
    }
    out.put("CreationTime", job.created / 1000.0);
    out.set("AlgorithmSpecification", job.request.path("AlgorithmSpecification"));
    out.set("ResourceConfig", job.request.path("ResourceConfig"));
    out.set("StoppingCondition", job.request.path("StoppingCondition"));
    out.put("RoleArn", job.request.path("RoleArn").asText());
    return out;
  }

  private JsonNode stop(JsonNode body) {
    Job job = existing(required(body, "TrainingJobName"));
    check(job.status.equals("InProgress") || job.status.equals("Stopping"),
        "The training job is " + job.status + " and cannot be stopped");
    job.stopRequested = true;
    job.status = "Stopping";
    job.secondary = "Stopping";
    // SageMaker sends SIGTERM, then SIGKILL after a grace period.
    job.process.destroy();
    Thread killer = new Thread(() -> {
      try {
        if (!job.process.waitFor(30, TimeUnit.SECONDS)) {
          job.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    killer.setDaemon(true);
    killer.start();
    return JSON.createObjectNode();
  }

  private JsonNode describeLogStreams(JsonNode body) {
    check(LOG_GROUP.equals(required(body, "logGroupName")), "The specified log group does not exist.");
    String prefix = body.path("logStreamNamePrefix").asText("");
    ArrayNode streams = JSON.createArrayNode();
    for (Job job : jobs.values()) {
      String stream = streamName(job);
      if (stream.startsWith(prefix) && Files.exists(job.log)) {
        streams.addObject().put("logStreamName", stream).put("creationTime", job.created);
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("logStreams", streams);
    return out;
  }

  private JsonNode getLogEvents(JsonNode body) {
    check(LOG_GROUP.equals(required(body, "logGroupName")), "The specified log group does not exist.");
    String stream = required(body, "logStreamName");
    Job job = jobs.values().stream().filter(j -> streamName(j).equals(stream)).findFirst()
        .orElseThrow(() -> new Refusal("ResourceNotFoundException", "The specified log stream does not exist."));
    String token = body.path("nextToken").asText("f/0");
    int from = Integer.parseInt(token.substring(2));
    List<String> lines = completeLines(job.log);
    ArrayNode events = JSON.createArrayNode();
    int to = Math.min(lines.size(), from + 1000);
    for (int i = from; i < to; i++) {
      events.addObject().put("timestamp", System.currentTimeMillis()).put("message", lines.get(i))
          .put("ingestionTime", System.currentTimeMillis());
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("events", events);
    out.put("nextForwardToken", "f/" + to);
    out.put("nextBackwardToken", "b/" + from);
    return out;
  }

  static String streamName(Job job) {
    return job.name + "/algo-1-" + job.streamEpoch;
  }

  private static List<String> completeLines(Path log) {
    try {
      if (!Files.exists(log)) {
        return List.of();
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Job existing(String name) {
    Job job = jobs.get(name);
    if (job == null) {
      throw new Refusal("ValidationException", "Requested resource not found: training job " + name);
    }
    return job;
  }

  private static String arn(String name) {
    return "arn:aws:sagemaker:us-east-1:123456789012:training-job/" + name.toLowerCase();
  }

  private static String required(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull() || value.asText().isEmpty()) {
      throw new Refusal("ValidationException", "1 validation error detected: Value null at '" + field
          + "' failed to satisfy constraint: Member must not be null");
    }
    return value.asText();
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new Refusal("ValidationException", message);
    }
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode out = JSON.createObjectNode();
    out.put("__type", type);
    out.put("message", message);
    return out;
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Every process it started is stopped: a test leaves nothing running. */
  @Override
  public void close() {
    for (Job job : jobs.values()) {
      Process p = job.process;
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  /** A 400 the way SageMaker words it. */
  static final class Refusal extends RuntimeException {
    final String type;

    Refusal(String type, String message) {
      super(message);
      this.type = type;
    }
  }
}
