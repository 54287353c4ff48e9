package io.sparkstep.spi.remote;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One holder at a time of a file of a run (its log), across processes (a file lock) and within one (file locks are
 * per process, so a semaphore per file as well). Handles that do not hold it read the file instead.
 */
public final class RunFileLock implements AutoCloseable {
  private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

  private final Semaphore semaphore;
  private final FileChannel channel;
  private final FileLock lock;

  private RunFileLock(Semaphore semaphore, FileChannel channel, FileLock lock) {
    this.semaphore = semaphore;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock if nobody holds it now, else null. */
  public static RunFileLock tryAcquire(Path file) throws IOException {
    return acquire(file, Duration.ZERO);
  }

  /** The lock, waiting up to {@code timeout} for its holder to finish; null if it did not. */
  public static RunFileLock acquire(Path file, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Semaphore semaphore = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Semaphore(1));
    try {
      if (!semaphore.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new RunFileLock(semaphore, channel, lock);
        }
        if (System.nanoTime() >= deadline) {
          channel.close();
          semaphore.release();
          return null;
        }
        Thread.sleep(100);
      }
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      semaphore.release();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.close();
      semaphore.release();
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      semaphore.release();
    }
  }
}
