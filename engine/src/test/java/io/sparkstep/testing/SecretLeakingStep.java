package io.sparkstep.testing;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A careless step: reads a secret from its Spark conf and sends it down every route a step has (its log, stdout,
 * stderr, an exception message and cause), so tests can check that none of them lets it through.
 */
public class SecretLeakingStep implements Step {
  private static final Logger LOG = LoggerFactory.getLogger(SecretLeakingStep.class);

  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("test-secret-leaking")
        .param(ParamDef.stringParam("confKey").defaultValue("spark.hadoop.fs.s3a.secret.key"))
        .param(ParamDef.longParam("sleepMillis").defaultValue(0L))
        .param(ParamDef.booleanParam("fail").defaultValue(true))
        .output("out", "rows written before the failure")
        .build();
  }

  @Override
  public void run(StepContext context) {
    String secret = context.spark().conf().get(context.params().getString("confKey"), "none");
    LOG.info("connecting with secret {}", secret);
    LOG.warn("warning that mentions {}", secret);
    System.out.println("stdout: the secret is " + secret);
    System.err.println("stderr: the secret is " + secret);
    context.output("out", context.spark().range(10).toDF());
    long sleep = context.params().getLong("sleepMillis");
    if (sleep > 0) {
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (context.params().getBoolean("fail")) {
      throw new IllegalStateException("login failed for " + secret,
          new RuntimeException("root cause with " + secret));
    }
  }
}
