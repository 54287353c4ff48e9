package io.sparkstep.flavor.kubernetes;

import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kubernetes flavor's handle data: the run's driver pod (its namespace and name), the image it runs and the
 * accelerator it was planned with. Stored as {@code namespace}, {@code driverPod}, {@code image} and
 * {@code accelerator}, the keys kubernetes records have always had.
 */
record DriverPod(String namespace, String name, String image, String accelerator) implements PlatformHandle {
  static final String NAMESPACE = "namespace";
  static final String NAME = "driverPod";
  static final String IMAGE = "image";
  /** The accelerator the driver pod runs with (none, comet, rapids). */
  static final String ACCELERATOR = "accelerator";

  /** The pod the record names; a record without a namespace (none is older) is in {@code defaultNamespace}. */
  static DriverPod of(RunRecord record, String defaultNamespace) {
    return new DriverPod(record.platform.getOrDefault(NAMESPACE, defaultNamespace), record.platform.get(NAME),
        record.platform.get(IMAGE), record.platform.get(ACCELERATOR));
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(NAMESPACE, namespace);
    entries.put(NAME, name);
    entries.put(IMAGE, image);
    entries.put(ACCELERATOR, accelerator);
    return entries;
  }
}
