package io.sparkstep.testing;

import java.util.List;

/**
 * JVM flags for the child JVMs tests start (a CLI call, a step's container): on a small CI box most of such a JVM's
 * life is start-up and the JIT's C2 compiler competing for the cores, so C1 alone and the serial collector finish
 * sooner. JIT and GC choice only: nothing a test checks depends on them.
 */
public final class ShortLivedJvm {
  public static final List<String> FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ShortLivedJvm() {
  }
}
