package io.sparkstep.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.JavaCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The home's stores under concurrent writers: in threads of one JVM and in separate CLI processes. */
@Tag("slow")
class StoreConcurrencyTest {
  @TempDir
  Path home;

  @Test
  void eightRegisterProcessesAtOnceAllSurviveAndReadersNeverSeeATornFile() throws Exception {
    List<Process> processes = new ArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    List<String> readErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      OperatorStore store = new OperatorStore(home, new FlavorRegistry());
      while (writing.get()) {
        try {
          store.names();
          reads.incrementAndGet();
        } catch (RuntimeException e) {
          readErrors.add(e.toString());
        }
      }
    });
    reader.start();
    for (int i = 0; i < 8; i++) {
      List<String> jvmFlags = new ArrayList<>(List.of("-Xmx128m", "-Dsparkstep.home=" + home));
      List<String> command = JavaCommand.forMainClass("io.sparkstep.cli.SparkstepCli", jvmFlags);
      command.addAll(List.of("operator", "register", "op" + i, "--flavor", "local", "--set", "conf.spark.x=" + i));
      processes.add(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(home.resolve("register-" + i + ".log").toFile()).start());
    }
    for (int i = 0; i < processes.size(); i++) {
      assertTrue(processes.get(i).waitFor(180, TimeUnit.SECONDS), "register " + i + " finished");
      assertEquals(0, processes.get(i).exitValue(), Files.readString(home.resolve("register-" + i + ".log")));
    }
    writing.set(false);
    reader.join();
    List<String> names = new OperatorStore(home, new FlavorRegistry()).names();
    for (int i = 0; i < 8; i++) {
      assertTrue(names.contains("op" + i), "op" + i + " survived: " + names);
    }
    assertTrue(readErrors.isEmpty(), "a reader saw a torn file: " + readErrors);
    assertTrue(reads.get() > 0, "the reader read while registers ran");
  }

  @Test
  void parallelRegistersInOneJvmAllSurvive() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String name = "t" + i;
      futures.add(pool.submit(() -> {
        start.await();
        // a store per call, as separate CLI invocations have
        new OperatorStore(home, new FlavorRegistry()).register(name, "local", Map.of(), false);
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(33, new OperatorStore(home, new FlavorRegistry()).names().size(), "32 operators and local");
  }

  @Test
  void aRunIdIsReservedOnceWhoeverAsksAtTheSameTime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger won = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      futures.add(pool.submit(() -> {
        start.await();
        try {
          new RunStore(home).reserve("same-id");
          won.incrementAndGet();
        } catch (InvalidSpecException e) {
          assertTrue(e.getMessage().contains("already used"), e.getMessage());
          refused.incrementAndGet();
        }
        return null;
      }));
    }
    // distinct ids in parallel all get their directory
    for (int i = 0; i < 8; i++) {
      String id = "distinct-" + i;
      futures.add(pool.submit(() -> {
        start.await();
        new RunStore(home).reserve(id);
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(1, won.get());
    assertEquals(7, refused.get());
    for (int i = 0; i < 8; i++) {
      assertTrue(Files.isDirectory(home.resolve("runs").resolve("distinct-" + i)));
    }
  }
}
