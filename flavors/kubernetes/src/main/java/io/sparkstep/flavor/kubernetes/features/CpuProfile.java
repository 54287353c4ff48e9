package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.spi.accel.SparkConfProfile;
import java.util.Map;

/** {@code spark-conf/cpu.conf}, the conf of CPU steps (in the flavor jar; {@code $SPARKSTEP_CONF_DIR} replaces it). */
final class CpuProfile {
  private CpuProfile() {
  }

  static Map<String, String> conf() {
    return SparkConfProfile.loadFrom(CpuProfile.class, "/io/sparkstep/flavor/kubernetes/profiles/", "cpu.conf");
  }
}
