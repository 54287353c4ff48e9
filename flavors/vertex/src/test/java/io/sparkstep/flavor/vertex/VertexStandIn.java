package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.CancelCustomJobRequest;
import com.google.cloud.aiplatform.v1.CreateCustomJobRequest;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.GetCustomJobRequest;
import com.google.cloud.aiplatform.v1.JobServiceGrpc;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.WorkerPoolSpec;
import com.google.protobuf.Empty;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sparkstep.testing.EntrypointProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vertex AI's JobService on 127.0.0.1 over real gRPC: validates CreateCustomJob like the service (parent, display
 * name, worker pool, machine type, accelerator, image, labels, disk), runs the container's command, our entrypoint, as
 * a local JVM with the container's environment, and reports PENDING, RUNNING, SUCCEEDED / FAILED / CANCELLING,
 * CANCELLED as Vertex does. The same server answers Cloud Logging's ListLogEntries with the container's lines. Errors queued with {@link #failNextCreate} answer the next creates first.
 */
final class VertexStandIn extends JobServiceGrpc.JobServiceImplBase implements AutoCloseable {
  private static final Pattern PARENT = Pattern.compile("projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/locations/([a-z0-9-]+)");
  private static final Pattern MACHINE = Pattern.compile("(e2|n1|n2|g2|a2|a3)-[a-z]+-[0-9]+g?");
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");

  private final Server server;
  private final Path logDir;
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Queue<Status> failNextCreate = new ConcurrentLinkedQueue<>();
  final List<CreateCustomJobRequest> creates = new ArrayList<>();
  final AtomicInteger createCalls = new AtomicInteger();
  final AtomicInteger getCalls = new AtomicInteger();

  /** One job and the process standing in for its container. */
  static final class Job {
    volatile CustomJob job;
    volatile Process process;
    volatile boolean cancelling;
    final Map<String, String> env = new LinkedHashMap<>();
  }

  VertexStandIn(Path logDir) throws IOException {
    this.logDir = logDir;
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this)
        .addService(new CloudLoggingStandIn(logDir).service()).build().start();
  }

  String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The settings every vertex operator on this stand-in has: project, image, both endpoints in plaintext. */
  java.util.Map<String, String> operatorSettings(java.nio.file.Path staging) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("project", "sparkstep-test");
    settings.put("location", "us-central1");
    settings.put("image", "us-docker.pkg.dev/sparkstep-test/steps/sparkstep:0.1.0");
    settings.put("stagingUri", staging.toUri().toString());
    settings.put("endpoint", endpoint());
    settings.put("loggingEndpoint", endpoint());
    settings.put("plaintext", "true");
    settings.put("pollMillis", "300");
    settings.put("serviceAccount", "steps@sparkstep-test.iam.gserviceaccount.com");
    settings.put("label.team", "data");
    return settings;
  }

  void failNextCreate(Status status) {
    failNextCreate.add(status);
  }

  Job job(String name) {
    return jobs.get(name);
  }

  @Override
  public void createCustomJob(CreateCustomJobRequest request, StreamObserver<CustomJob> response) {
    createCalls.incrementAndGet();
    Status queued = failNextCreate.poll();
    if (queued != null) {
      response.onError(queued.asRuntimeException());
      return;
    }
    String invalid = invalidReason(request);
    if (invalid != null) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException());
      return;
    }
    synchronized (creates) {
      creates.add(request);
    }
    String name = request.getParent() + "/customJobs/" + ids.incrementAndGet();
    Job job = new Job();
    request.getCustomJob().getJobSpec().getWorkerPoolSpecs(0).getContainerSpec().getEnvList()
        .forEach(e -> job.env.put(e.getName(), e.getValue()));
    job.job = request.getCustomJob().toBuilder().setName(name).setState(JobState.JOB_STATE_PENDING).build();
    jobs.put(name, job);
    try {
      // The container: the image's entrypoint with exactly the environment the job spec gives it.
      job.process = EntrypointProcess.start(job.env, List.of(),
          logDir.resolve(name.substring(name.lastIndexOf('/') + 1) + ".log"));
    } catch (IOException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      return;
    }
    setState(job, JobState.JOB_STATE_RUNNING, null);
    job.process.onExit().thenAccept(p -> {
      if (job.cancelling) {
        setState(job, JobState.JOB_STATE_CANCELLED, com.google.rpc.Status.newBuilder().setCode(1)
            .setMessage("CANCELED").build());
      } else if (p.exitValue() == 0) {
        setState(job, JobState.JOB_STATE_SUCCEEDED, null);
      } else {
        setState(job, JobState.JOB_STATE_FAILED, com.google.rpc.Status.newBuilder().setCode(3)
            .setMessage("The replica workerpool0-0 exited with a non-zero status of " + p.exitValue() + ".").build());
      }
    });
    response.onNext(job.job.toBuilder().setState(JobState.JOB_STATE_PENDING).build());
    response.onCompleted();
  }

  @Override
  public void getCustomJob(GetCustomJobRequest request, StreamObserver<CustomJob> response) {
    getCalls.incrementAndGet();
    Job job = jobs.get(request.getName());
    if (job == null) {
      response.onError(Status.NOT_FOUND.withDescription("CustomJob " + request.getName() + " not found")
          .asRuntimeException());
      return;
    }
    response.onNext(job.job);
    response.onCompleted();
  }

  @Override
  public void cancelCustomJob(CancelCustomJobRequest request, StreamObserver<Empty> response) {
    Job job = jobs.get(request.getName());
    if (job == null) {
      response.onError(Status.NOT_FOUND.withDescription("CustomJob " + request.getName() + " not found")
          .asRuntimeException());
      return;
    }
    if (!job.process.isAlive()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("the job is already " + job.job.getState())
          .asRuntimeException());
      return;
    }
    job.cancelling = true;
    setState(job, JobState.JOB_STATE_CANCELLING, null);
    job.process.destroy();
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  private static synchronized void setState(Job job, JobState state, com.google.rpc.Status error) {
    CustomJob.Builder next = job.job.toBuilder().setState(state);
    if (error != null) {
      next.setError(error);
    }
    job.job = next.build();
  }

  /** The checks Vertex makes before accepting a CustomJob, with its kind of message. */
  static String invalidReason(CreateCustomJobRequest request) {
    Matcher parent = PARENT.matcher(request.getParent());
    if (!parent.matches()) {
      return "Invalid parent '" + request.getParent() + "': expected projects/{project}/locations/{location}";
    }
    CustomJob job = request.getCustomJob();
    if (job.getDisplayName().isEmpty() || job.getDisplayName().length() > 128) {
      return "custom_job.display_name is required and at most 128 characters";
    }
    if (job.getJobSpec().getWorkerPoolSpecsCount() == 0) {
      return "custom_job.job_spec.worker_pool_specs must not be empty";
    }
    WorkerPoolSpec pool = job.getJobSpec().getWorkerPoolSpecs(0);
    if (pool.getReplicaCount() < 1) {
      return "The first worker pool must have replica_count 1, got " + pool.getReplicaCount();
    }
    MachineSpec machine = pool.getMachineSpec();
    if (!MACHINE.matcher(machine.getMachineType()).matches()) {
      return "Machine type \"" + machine.getMachineType() + "\" is not supported.";
    }
    boolean hasType = machine.getAcceleratorTypeValue() != 0;
    if (hasType != (machine.getAcceleratorCount() > 0)) {
      return "accelerator_type and accelerator_count must be set together";
    }
    if (!pool.hasContainerSpec() || pool.getContainerSpec().getImageUri().isEmpty()) {
      return "custom_job.job_spec.worker_pool_specs[0].container_spec.image_uri is required";
    }
    for (EnvVar env : pool.getContainerSpec().getEnvList()) {
      if (env.getName().isEmpty()) {
        return "environment variable names must not be empty";
      }
    }
    if (pool.hasDiskSpec() && pool.getDiskSpec().getBootDiskSizeGb() != 0
        && (pool.getDiskSpec().getBootDiskSizeGb() < 100 || pool.getDiskSpec().getBootDiskSizeGb() > 65536)) {
      return "boot_disk_size_gb must be between 100 and 65536";
    }
    for (Map.Entry<String, String> label : job.getLabelsMap().entrySet()) {
      if (!LABEL_KEY.matcher(label.getKey()).matches() || !LABEL_VALUE.matcher(label.getValue()).matches()) {
        return "Invalid label " + label.getKey() + "=" + label.getValue();
      }
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    for (Job job : jobs.values()) {
      if (job.process != null && job.process.isAlive()) {
        job.process.destroyForcibly();
        job.process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}
