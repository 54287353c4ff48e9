package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.testing.ExternalStepJar;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container side: a remote jar is fetched through a Hadoop file system and loaded in the user loader. */
class StepJarsTest {
  @TempDir
  Path tmp;

  @Test
  void remoteJarIsFetchedThroughHadoopAndLoadedBeforeSparkStarts() throws Exception {
    Path jar = ExternalStepJar.build(tmp.resolve("external"));
    byte[] bytes = Files.readAllBytes(jar);
    // a file system that is not this machine's: Hadoop's http one, the same code path as s3a:, gs: or abfss:
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jars/steps.jar", exchange -> {
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try {
      StepSpec spec = new StepSpec();
      spec.jars = List.of("http://127.0.0.1:" + server.getAddress().getPort() + "/jars/steps.jar");
      List<String> local = StepJars.install(spec, new Configuration());
      assertEquals(1, local.size(), local.toString());
      assertArrayEquals(bytes, Files.readAllBytes(Path.of(local.get(0))));
      assertEquals(local.get(0), spec.sparkConf.get("spark.jars"), "executors of a cluster get it by spark.jars");
      Class<?> step = Class.forName(ExternalStepJar.STEP_CLASS, false, Thread.currentThread().getContextClassLoader());
      assertEquals("sparkstep-user-jars", step.getClassLoader().getName());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
      server.stop(0);
    }
  }

  @Test
  void aLocalJarThatIsNotInTheContainerIsInvalidInput() {
    StepSpec spec = new StepSpec();
    spec.jars = List.of(tmp.resolve("gone.jar").toString());
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> StepJars.install(spec,
        new Configuration()));
    assertEquals("jars", e.problems().get(0).field());
    assertTrue(e.getMessage().contains("gone.jar"), e.getMessage());
  }
}
