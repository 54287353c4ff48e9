package io.sparkstep.cache;

import io.sparkstep.spi.record.DataSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The snapshot of plain files: a SHA-256 over the sorted listing of every file under a path (its path relative to
 * the root, length, modification time, and the ETag where the store gives one). A file rewritten in place, appended
 * or added changes it. One recursive listing ({@code listFiles(path, true)}: a flat listing on object stores).
 */
public final class ListingDigest {
  private ListingDigest() {
  }

  private static void walk(FileSystem fs, FileStatus status, String prefix, List<String> lines) throws IOException {
    if (!status.isDirectory()) {
      lines.add(line(status, prefix));
      return;
    }
    for (FileStatus child : fs.listStatus(status.getPath())) {
      walk(fs, child, prefix, lines);
    }
  }

  private static String line(FileStatus file, String prefix) {
    String path = file.getPath().toUri().getPath();
    String relative = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    String etag = file instanceof EtagSource tagged ? tagged.getEtag() : null;
    return relative + "\t" + file.getLen() + "\t" + file.getModificationTime() + "\t" + (etag == null ? "" : etag);
  }

  public static DataSnapshot of(String uri, Configuration conf) throws IOException {
    Path root = new Path(uri);
    FileSystem fs = root.getFileSystem(conf);
    Path qualified = fs.makeQualified(root);
    String prefix = qualified.toUri().getPath();
    List<String> lines = new ArrayList<>();
    if (fs instanceof LocalFileSystem) {
      // A local disk: a walk of plain statuses. listFiles would make each a LocatedFileStatus, whose copy of the
      // permissions forks a stat process per file on the local file system (minutes for 10,000 files).
      walk(fs, fs.getFileStatus(qualified), prefix, lines);
    } else {
      // An object store's flat listing of everything under the prefix, in pages.
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(qualified, true);
      while (files.hasNext()) {
        lines.add(line(files.next(), prefix));
      }
    }
    lines.sort(null);
    MessageDigest digest = CacheKey.digest();
    for (String line : lines) {
      digest.update(line.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
    }
    return new DataSnapshot(DataSnapshot.LISTING_DIGEST, HexFormat.of().formatHex(digest.digest()),
        (long) lines.size());
  }
}
