package io.sparkstep.spi.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one way Sparkstep makes a change to a shared file one holder at a time: across processes by a file lock on a
 * lock file, and within one process by a semaphore per lock file as well, because a file lock belongs to the whole
 * JVM (a second thread asking for it gets {@link java.nio.channels.OverlappingFileLockException}, not a wait).
 * The run store, the operator store and the run log copier all lock through it.
 */
public final class ExclusiveFileLock implements AutoCloseable {
  private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();
  /** How often a timed acquire asks again: a file lock offers only a blocking or an immediate attempt. */
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Semaphore semaphore;
  private final FileChannel channel;
  private final FileLock lock;

  private ExclusiveFileLock(Semaphore semaphore, FileChannel channel, FileLock lock) {
    this.semaphore = semaphore;
    this.channel = channel;
    this.lock = lock;
  }

  /** Runs {@code change} holding the lock on {@code lockFile}, waiting as long as the holder before takes. */
  public static <T> T holding(Path lockFile, Supplier<T> change) {
    try (ExclusiveFileLock ignored = acquire(lockFile)) {
      return change.get();
    }
  }

  /** The lock, waiting as long as its holder takes (holders keep it for one read-modify-write). */
  public static ExclusiveFileLock acquire(Path lockFile) {
    Semaphore semaphore = semaphoreOf(lockFile);
    semaphore.acquireUninterruptibly();
    FileChannel channel = null;
    try {
      channel = open(lockFile);
      return new ExclusiveFileLock(semaphore, channel, channel.lock());
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      semaphore.release();
      throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + lockFile + ": " + io.getMessage(),
          io) : (RuntimeException) e;
    }
  }

  /** The lock if nobody holds it now, else null. */
  public static ExclusiveFileLock tryAcquire(Path lockFile) throws IOException {
    return acquire(lockFile, Duration.ZERO);
  }

  /** The lock, waiting up to {@code timeout} for its holder to finish; null if it did not (or was interrupted). */
  public static ExclusiveFileLock acquire(Path lockFile, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Semaphore semaphore = semaphoreOf(lockFile);
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
      channel = open(lockFile);
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new ExclusiveFileLock(semaphore, channel, lock);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          closeQuietly(channel);
          semaphore.release();
          return null;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(left, RETRY_NANOS));
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      semaphore.release();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel);
      semaphore.release();
      return null;
    }
  }

  private static Semaphore semaphoreOf(Path lockFile) {
    return IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Semaphore(1));
  }

  private static FileChannel open(Path lockFile) throws IOException {
    Path parent = lockFile.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // the channel held no lock yet; nothing else depends on closing it
    }
  }

  /** Releases the file lock, then lets the next thread of this process in. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + lock + ": " + e.getMessage(), e);
    } finally {
      semaphore.release();
    }
  }
}
