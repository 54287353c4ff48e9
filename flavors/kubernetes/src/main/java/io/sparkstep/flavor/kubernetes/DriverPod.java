package io.sparkstep.flavor.kubernetes;

import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kubernetes flavor's handle data: the run's driver pod (its namespace and name) and the image it runs. Stored
 * as {@code namespace}, {@code driverPod} and {@code image}, the keys kubernetes records have always had.
 */
record DriverPod(String namespace, String name, String image) implements PlatformHandle {
  static final String NAMESPACE = "namespace";
  static final String NAME = "driverPod";
  static final String IMAGE = "image";

  /** The pod the record names; a record without a namespace (none is older) is in {@code defaultNamespace}. */
  static DriverPod of(RunRecord record, String defaultNamespace) {
    synchronized (record) {
      return new DriverPod(record.platform.getOrDefault(NAMESPACE, defaultNamespace), record.platform.get(NAME),
          record.platform.get(IMAGE));
    }
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(NAMESPACE, namespace);
    entries.put(NAME, name);
    entries.put(IMAGE, image);
    return entries;
  }
}
