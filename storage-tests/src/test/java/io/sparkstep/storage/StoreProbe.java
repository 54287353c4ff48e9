package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What Spark's writes and commits ask of a store's connector, done once through Hadoop's FileSystem API. */
final class StoreProbe {
  private StoreProbe() {
  }

  /** Write, make a directory, rename (Spark's task commit), seek-read, list and delete under {@code lake}. */
  static void writeListRenameDelete(FileSystem fs, String lake) throws IOException {
    Path staged = new Path(lake + "probe/_temporary/0/part-0");
    byte[] content = "fare,zone\n12.5,3\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    try (FSDataOutputStream out = fs.create(staged)) {
      out.write(content);
    }
    assertTrue(fs.mkdirs(new Path(lake + "probe/empty-dir")));
    Path committed = new Path(lake + "probe/part-0");
    assertTrue(fs.rename(staged, committed));
    assertFalse(fs.exists(staged));
    try (var in = fs.open(committed)) {
      in.seek(5);
      assertArrayEquals(Arrays.copyOfRange(content, 5, content.length), in.readAllBytes());
    }
    assertEquals(content.length, fs.getFileStatus(committed).getLen());
    assertTrue(fs.getFileStatus(new Path(lake + "probe")).isDirectory());
    assertTrue(fs.delete(new Path(lake + "probe/_temporary"), true));
    assertEquals(List.of("empty-dir", "part-0"),
        Arrays.stream(fs.listStatus(new Path(lake + "probe"))).map(s -> s.getPath().getName()).sorted().toList());
  }
}
