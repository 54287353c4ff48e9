package io.sparkstep.spi.record;

import java.util.Map;

/**
 * A flavor's handle data: what it needs to find its run again (a driver pod, a training job, a child process), as one
 * typed value of the flavor's instead of loose string keys. It is stored in the record's {@code platform} object
 * under the keys records have always had, so records written before still load into it and scripts that read
 * {@code platform.driverPod} from {@code runs status --json} keep working.
 */
public interface PlatformHandle {
  /** The entries of the record's {@code platform} object this handle is stored as; a null value is left out. */
  Map<String, String> entries();
}
