package io.sparkstep.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.spec.ArtifactSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which state of an input a run reads, found from the storage alone (no Delta or Iceberg jar): a Delta table (a
 * {@code _delta_log} directory) by its latest commit version, or the version the input pins with {@code versionAsOf};
 * a Hadoop Iceberg table ({@code metadata/version-hint.text}) by the current snapshot id of its latest metadata file,
 * or the one it pins with {@code snapshot-id}; anything else by its {@link ListingDigest}.
 *
 * <p>A Delta input pinned by {@code timestampAsOf} is keyed on the table's latest version: a commit after the pinned
 * time makes a miss that was not needed, never a stale hit.
 */
public final class InputSnapshots {
  private static final Pattern DELTA_COMMIT = Pattern.compile("(\\d{20})\\.json");

  private InputSnapshots() {
  }

  public static DataSnapshot of(ArtifactSpec input, Configuration conf) throws IOException {
    Path root = new Path(input.uri);
    FileSystem fs = root.getFileSystem(conf);
    Path deltaLog = new Path(root, "_delta_log");
    if (fs.exists(deltaLog)) {
      String pinned = input.options.get("versionAsOf");
      return new DataSnapshot(DataSnapshot.DELTA_VERSION, pinned != null ? pinned.trim() : latestDeltaVersion(fs, deltaLog));
    }
    Path versionHint = new Path(root, "metadata/version-hint.text");
    if (fs.exists(versionHint)) {
      String pinned = input.options.get("snapshot-id");
      return new DataSnapshot(DataSnapshot.ICEBERG_SNAPSHOT, pinned != null ? pinned.trim()
          : currentIcebergSnapshot(fs, new Path(root, "metadata"), versionHint));
    }
    return ListingDigest.of(input.uri, conf);
  }

  private static String latestDeltaVersion(FileSystem fs, Path deltaLog) throws IOException {
    long latest = -1;
    for (FileStatus file : fs.listStatus(deltaLog)) {
      Matcher commit = DELTA_COMMIT.matcher(file.getPath().getName());
      if (commit.matches()) {
        latest = Math.max(latest, Long.parseLong(commit.group(1)));
      }
    }
    if (latest < 0) {
      throw new IOException("Delta table " + deltaLog.getParent() + " has no commit in its _delta_log");
    }
    return Long.toString(latest);
  }

  private static String currentIcebergSnapshot(FileSystem fs, Path metadata, Path versionHint) throws IOException {
    String version;
    try (InputStream in = fs.open(versionHint)) {
      version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    Path current = new Path(metadata, "v" + version + ".metadata.json");
    JsonNode table;
    try (InputStream in = fs.open(current)) {
      table = CacheKey.CANONICAL.readTree(in);
    }
    JsonNode snapshot = table.get("current-snapshot-id");
    // A table without a snapshot yet (-1 or absent) is keyed on its metadata version, which any commit changes.
    return snapshot == null || snapshot.asLong() < 0 ? "metadata-v" + version : snapshot.asText();
  }
}
