package io.sparkstep.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's flavor is a jar: compiled here, put on a class loader, found by the registry with its settings. */
class CustomFlavorJarTest {
  @TempDir
  Path tmp;

  @Test
  void flavorFromAJarIsDiscoveredAndValidated() throws Exception {
    Path src = tmp.resolve("src/com/example/EchoFlavor.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package com.example;
        import io.sparkstep.spi.*;
        import java.util.List;
        public class EchoFlavor implements Flavor {
          public String name() { return "echo"; }
          public String description() { return "a user's flavor"; }
          public List<ConfigOption> options() { return List.of(ConfigOption.required("target", "where to echo")); }
          public StepOperator create(OperatorConfig config) { throw new UnsupportedOperationException(); }
        }
        """);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        src.toString());
    assertEquals(0, rc, "compiles against the engine SPI alone");
    Path jar = tmp.resolve("echo-flavor.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("com/example/EchoFlavor.class"));
      out.write(Files.readAllBytes(classes.resolve("com/example/EchoFlavor.class")));
      out.putNextEntry(new JarEntry("META-INF/services/io.sparkstep.spi.Flavor"));
      out.write("com.example.EchoFlavor\n".getBytes());
      out.closeEntry();
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      FlavorRegistry registry = new FlavorRegistry(loader);
      List<String> names = registry.all().stream().map(Flavor::name).toList();
      assertTrue(names.containsAll(List.of("local", "echo")), names.toString());
      Flavor echo = registry.get("echo");
      assertEquals("target", registry.validate(echo, Map.of()).get(0).field(), "required setting enforced");
      assertTrue(registry.validate(echo, Map.of("target", "x")).isEmpty());
    }
    InvalidSpecException unknown = org.junit.jupiter.api.Assertions.assertThrows(InvalidSpecException.class,
        () -> new FlavorRegistry().get("echo"));
    assertTrue(unknown.getMessage().contains("available flavors"));
  }
}
