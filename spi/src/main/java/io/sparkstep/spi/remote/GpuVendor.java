package io.sparkstep.spi.remote;

import io.sparkstep.spi.spec.ValidationProblem;
import java.util.Locale;
import java.util.Optional;

/**
 * The one vocabulary of {@code resources.gpuVendor} on every flavor: {@code nvidia}, {@code amd}, {@code intel}
 * (the vendor's domain, {@code nvidia.com}, means the same). Each flavor maps it to what its platform asks for:
 * Kubernetes and Spark schedule {@code <domain>/gpu}, the cloud flavors only have NVIDIA machines.
 */
public enum GpuVendor {
  NVIDIA("nvidia.com"),
  AMD("amd.com"),
  INTEL("intel.com");

  private final String domain;

  GpuVendor(String domain) {
    this.domain = domain;
  }

  /** The vendor domain Kubernetes device plugins and Spark's resource vendor conf use: nvidia.com/gpu. */
  public String domain() {
    return domain;
  }

  /** {@code nvidia}, {@code NVIDIA} and {@code nvidia.com} alike; empty for a name outside the vocabulary. */
  public static Optional<GpuVendor> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (GpuVendor vendor : values()) {
      if (v.equals(vendor.name().toLowerCase(Locale.ROOT)) || v.equals(vendor.domain)) {
        return Optional.of(vendor);
      }
    }
    return Optional.empty();
  }

  /** The words {@code resources.gpuVendor} takes, for messages: "nvidia, amd or intel". */
  public static String vocabulary() {
    return "nvidia, amd or intel";
  }

  /**
   * For platforms whose GPU machines are all NVIDIA: null when {@code value} is unset or means NVIDIA, else the
   * problem, worded the same on every such flavor. A word outside the vocabulary is the spec validator's to refuse,
   * once, as on every flavor.
   */
  public static ValidationProblem onlyNvidia(String platform, String value) {
    if (value == null || parse(value).orElse(NVIDIA) == NVIDIA) {
      return null;
    }
    return ValidationProblem.of("resources.gpuVendor", platform + " GPU machines are NVIDIA, not '" + value + "'",
        "use gpuVendor=nvidia or leave it out");
  }
}
