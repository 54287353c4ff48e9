package io.sparkstep.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The step cache index in an artifact store (any Hadoop FS URI): {@code <store>/_sparkstep_cache/<step>/<key>.json},
 * one file per key, written by the driver after the run's outputs committed (see {@link #publish}). Of two identical
 * runs at once, one entry stays; the other run keeps its own outputs and says so in its log. An entry that does not
 * parse is no hit, and the next publisher replaces it.
 */
public final class CacheIndex {
  public static final String DIRECTORY = "_sparkstep_cache";
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final Path root;
  private final Configuration conf;

  public CacheIndex(String store, Configuration conf) {
    this.root = new Path(store.endsWith("/") ? store + DIRECTORY : store + "/" + DIRECTORY);
    this.conf = conf;
  }

  /** Where the entry of {@code key} for {@code step} (a class name) lives. */
  public String entryUri(String step, String key) {
    return new Path(stepDir(step), key + ".json").toString();
  }

  private Path stepDir(String step) {
    return new Path(root, step.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /** The entry of {@code key}, when there is a complete one. */
  public Optional<CacheEntry> find(String step, String key) throws IOException {
    return read(new Path(entryUri(step, key)), conf);
  }

  /** The step's most recently written entry: what a miss compares its key with. */
  public Optional<CacheEntry> latest(String step) throws IOException {
    Path dir = stepDir(step);
    FileSystem fs = fileSystem(dir, conf);
    FileStatus[] entries;
    try {
      entries = fs.listStatus(dir, path -> path.getName().endsWith(".json"));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    FileStatus newest = null;
    for (FileStatus entry : entries) {
      if (newest == null || entry.getModificationTime() > newest.getModificationTime()) {
        newest = entry;
      }
    }
    return newest == null ? Optional.empty() : read(newest.getPath(), conf);
  }

  /** Removes the entry of {@code key}: one whose outputs changed can never hit again. */
  public void remove(String step, String key) throws IOException {
    Path entry = new Path(entryUri(step, key));
    fileSystem(entry, conf).delete(entry, false);
  }

  /** Removes the entries of one step (a class name), or of every step when {@code step} is null; how many. */
  public int clear(String step) throws IOException {
    Path dir = step == null ? root : stepDir(step);
    FileSystem fs = fileSystem(dir, conf);
    if (!fs.exists(dir)) {
      return 0;
    }
    int count = 0;
    var files = fs.listFiles(dir, true);
    while (files.hasNext()) {
      if (files.next().getPath().getName().endsWith(".json")) {
        count++;
      }
    }
    fs.delete(dir, true);
    return count;
  }

  /** What {@link #publish} did: whether this run's entry is the index's, and the entry the index holds. */
  public record Publication(boolean won, CacheEntry entry) {
  }

  /**
   * Puts {@code entry} at {@code uri} unless a complete entry is there already. The entry is written whole under a
   * name of this run and then moved into place only where no entry is, so a reader never sees part of one and the
   * first entry placed stays; the entry in place afterwards says who won (two writers that both found no entry both
   * try, and each learns from reading it back whether it is its own).
   */
  public static Publication publish(String uri, CacheEntry entry, Configuration conf) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = fileSystem(path, conf);
    Optional<CacheEntry> existing = read(path, conf);
    if (existing.isPresent()) {
      return new Publication(false, existing.get());
    }
    if (fs.exists(path)) {
      // a broken entry (a writer died mid-way on a store that shows partial files): replaced, never served
      fs.delete(path, false);
    }
    Path temporary = new Path(path.getParent(), path.getName() + "." + entry.runId + ".tmp");
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entry).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = fs.create(temporary, true)) {
      out.write(bytes);
    }
    placeUnlessPresent(fs, temporary, path);
    CacheEntry inPlace = read(path, conf).orElseThrow(() -> new IOException("the cache entry " + uri
        + " could not be written"));
    return new Publication(entry.runId.equals(inPlace.runId), inPlace);
  }

  /**
   * Moves the written entry into place only where none is: never over another run's, which a reader may already
   * have taken as the index's (a plain rename on a local disk replaces the target, so two writers would both read
   * their own entry back before the later one lands). On a local disk a hard link, which fails when the name exists;
   * elsewhere the file system's rename, which by Hadoop's contract does not overwrite a file.
   */
  private static void placeUnlessPresent(FileSystem fs, Path temporary, Path path) throws IOException {
    try {
      if (fs instanceof RawLocalFileSystem) {
        Files.createLink(Paths.get(fs.makeQualified(path).toUri()), Paths.get(fs.makeQualified(temporary).toUri()));
      } else {
        fs.rename(temporary, path);
      }
    } catch (FileAlreadyExistsException lost) {
      // an identical run's entry is in place: the read-back says so
    } catch (IOException refused) {
      if (!fs.exists(path)) {
        throw refused;
      }
    } finally {
      fs.delete(temporary, false);
    }
  }

  /**
   * The store's file system, without Hadoop's client-side checksums on a local disk: those rename the entry and its
   * {@code .crc} file in two steps, so a reader between them would see one writer's entry with another's checksum.
   * The raw local rename is one atomic POSIX rename.
   */
  private static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  static Optional<CacheEntry> read(Path path, Configuration conf) throws IOException {
    FileSystem fs = fileSystem(path, conf);
    byte[] bytes;
    try (InputStream in = fs.open(path)) {
      bytes = in.readAllBytes();
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    try {
      CacheEntry entry = JSON.readValue(bytes, CacheEntry.class);
      return entry.key == null || entry.runId == null ? Optional.empty() : Optional.of(entry);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
