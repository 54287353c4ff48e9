package io.sparkstep.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.Step;
import io.sparkstep.spi.Flavor;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** What a plugin's class loader shares with the engine: the API and the SPI, never the engine itself. */
class FlavorPluginsTest {

  @Test
  void apiAndSpiAreSharedTheEngineIsNot() {
    assertTrue(FlavorPlugins.sharedWithParent(Step.class.getName()));
    assertTrue(FlavorPlugins.sharedWithParent(Flavor.class.getName()));
    assertFalse(FlavorPlugins.sharedWithParent(FlavorRegistry.class.getName()));
    assertFalse(FlavorPlugins.sharedWithParent("io.sparkstep.runtime.StepEntrypoint"));
  }

  @Test
  void aPluginLoadsTheSpiFromItsParentAndCannotReachTheEngine() throws Exception {
    try (FlavorPlugins.PluginClassLoader plugin = new FlavorPlugins.PluginClassLoader("empty", new URL[0],
        FlavorPluginsTest.class.getClassLoader())) {
      assertSame(Flavor.class, plugin.loadClass(Flavor.class.getName()));
      assertSame(Step.class, plugin.loadClass(Step.class.getName()));
      assertThrows(ClassNotFoundException.class, () -> plugin.loadClass(FlavorRegistry.class.getName()));
      // Libraries outside Sparkstep still fall back to the parent when the plugin lacks them.
      assertSame(Test.class, plugin.loadClass(Test.class.getName()));
    }
  }
}
