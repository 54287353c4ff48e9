package io.sparkstep.flavor.kubernetes;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.StepOperator;
import java.util.List;

/**
 * Steps as Spark applications on Kubernetes in cluster mode, submitted with Spark's own client: GPU executors with
 * the RAPIDS Accelerator, pod templates, secrets by reference, live driver logs and cancel.
 */
public final class KubernetesFlavor implements Flavor {
  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public String description() {
    return "Spark on Kubernetes (cluster mode, k8s:// master): driver and executor pods, GPUs with RAPIDS";
  }

  @Override
  public List<ConfigOption> options() {
    return KubernetesSettings.OPTIONS;
  }

  @Override
  public List<ValidationProblem> validate(OperatorConfig config) {
    return KubernetesSettings.validate(config);
  }

  @Override
  public StepOperator create(OperatorConfig config) {
    return new KubernetesOperator(new KubernetesSettings(config));
  }
}
