package io.sparkstep.flavor.azureml;

import io.sparkstep.spi.PlatformException;

/** An error answer of the jobs API, with its HTTP status so a 400 can be told from an outage. */
final class AzureMlApiException extends PlatformException {
  private final int status;

  AzureMlApiException(String message, int status, boolean retryable) {
    super(message, retryable);
    this.status = status;
  }

  int status() {
    return status;
  }

  /** A request the service judged invalid (bad name, missing field): the user's input, not the platform. */
  boolean isInvalidRequest() {
    return status == 400 || status == 409 || status == 422;
  }
}
