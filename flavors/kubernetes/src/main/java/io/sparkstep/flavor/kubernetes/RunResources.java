package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run created in its namespace: the driver pod, the config maps and service Spark's client created for it
 * (owned by the driver pod), and the executor pods (labelled with the run's id). Deleting them here does what the
 * cluster's garbage collector does for owned objects, so cleanup does not depend on it and also covers a
 * submission that failed half-way.
 */
final class RunResources {
  private RunResources() {
  }

  /** Deletes everything of the run; returns the names deleted, for the record and the tests. */
  static List<String> delete(KubernetesClient client, String namespace, String driverPod, String runId) {
    List<String> deleted = new ArrayList<>();
    Pod driver = driverPod == null ? null : client.pods().inNamespace(namespace).withName(driverPod).get();
    String uid = driver == null ? null : driver.getMetadata().getUid();
    if (uid != null) {
      for (HasMetadata owned : owned(client.configMaps().inNamespace(namespace).list().getItems(), uid)) {
        client.configMaps().inNamespace(namespace).withName(owned.getMetadata().getName()).delete();
        deleted.add("configmap/" + owned.getMetadata().getName());
      }
      for (HasMetadata owned : owned(client.services().inNamespace(namespace).list().getItems(), uid)) {
        client.services().inNamespace(namespace).withName(owned.getMetadata().getName()).delete();
        deleted.add("service/" + owned.getMetadata().getName());
      }
    }
    if (runId != null) {
      for (Pod pod : client.pods().inNamespace(namespace)
          .withLabel(SubmissionPlan.RUN_LABEL, SubmissionPlan.labelValue(runId)).list().getItems()) {
        if (!pod.getMetadata().getName().equals(driverPod)) {
          client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
          deleted.add("pod/" + pod.getMetadata().getName());
        }
      }
    }
    if (driver != null) {
      client.pods().inNamespace(namespace).withName(driverPod).delete();
      deleted.add("pod/" + driverPod);
    }
    return deleted;
  }

  private static <T extends HasMetadata> List<T> owned(List<T> items, String ownerUid) {
    return items.stream().filter(item -> item.getMetadata().getOwnerReferences() != null
        && item.getMetadata().getOwnerReferences().stream().anyMatch(ref -> ownerUid.equals(ref.getUid())))
        .toList();
  }
}
