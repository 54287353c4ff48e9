package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.PlatformException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns SDK failures into one readable line: what was called, what AWS said, and whether trying again may help. */
final class AwsErrors {
  private AwsErrors() {
  }

  static PlatformException toPlatformException(String call, Exception e) {
    if (e instanceof AwsServiceException aws) {
      int status = aws.statusCode();
      String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
      String message = aws.awsErrorDetails() == null ? aws.getMessage() : aws.awsErrorDetails().errorMessage();
      boolean retryable = status >= 500 || status == 429 || aws.isThrottlingException();
      String what = retryable ? "kept failing after retries" : "was refused";
      return new PlatformException("SageMaker " + call + " " + what + ": " + code + " (HTTP " + status + "): "
          + message, e, retryable);
    }
    if (e instanceof SdkClientException) {
      return new PlatformException("could not reach SageMaker for " + call + ": " + e.getMessage(), e, true);
    }
    return new PlatformException(call + " failed: " + e.getMessage(), e, false);
  }
}
