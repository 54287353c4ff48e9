package io.sparkstep.flavor.vertex;

import com.google.api.gax.rpc.ApiException;
import io.grpc.Status;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.PlatformException;

/** Turns a Vertex API error into the contract's errors: one readable line, with what to do about it. */
final class VertexErrors {
  private VertexErrors() {
  }

  /** The status code and the service's own description, without the gRPC exception class noise. */
  static String describe(ApiException e) {
    Status status = Status.fromThrowable(e);
    String description = status.getDescription() != null ? status.getDescription() : e.getMessage();
    return e.getStatusCode().getCode() + ": " + description;
  }

  /**
   * Validation errors (400-like) become {@link InvalidSpecException} (exit 2); permission, missing resources and
   * exhausted retries become {@link PlatformException} (exit 3).
   */
  static RuntimeException orThrow(String action, ApiException e) throws PlatformException {
    String line = "Vertex AI refused to " + action + ": " + describe(e);
    switch (e.getStatusCode().getCode()) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS -> {
        return new InvalidSpecException("vertex", line, "fix the operator settings or the step's resources");
      }
      case PERMISSION_DENIED, UNAUTHENTICATED -> throw new PlatformException(line + " (the caller needs "
          + "roles/aiplatform.user and roles/iam.serviceAccountUser on the job's service account; check "
          + "'gcloud auth application-default login' or GOOGLE_APPLICATION_CREDENTIALS)", e, false);
      case NOT_FOUND -> throw new PlatformException(line + " (check project, location and that the Vertex AI API "
          + "is enabled)", e, false);
      default -> throw new PlatformException(line, e, e.isRetryable());
    }
  }
}
