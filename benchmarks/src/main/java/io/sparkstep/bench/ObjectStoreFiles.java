package io.sparkstep.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Many small objects on an object store, written through its Hadoop file system. */
final class ObjectStoreFiles {
  static final int PUT_THREADS = 32;

  private ObjectStoreFiles() {
  }

  /** {@code count} objects {@code part-N} under {@code prefix}, one small PUT each, many at once. */
  static void put(String prefix, int count, Configuration conf) throws Exception {
    Configuration puts = new Configuration(conf);
    // S3A's create without its existence probes (a HEAD and a LIST per file): one PUT per object
    puts.set("fs.s3a.create.performance", "true");
    puts.set("fs.s3a.connection.maximum", Integer.toString(PUT_THREADS * 2));
    FileSystem fs = FileSystem.newInstance(new Path(prefix).toUri(), puts);
    ExecutorService pool = Executors.newFixedThreadPool(PUT_THREADS);
    try {
      List<Future<?>> written = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Path object = new Path(prefix + "/part-" + i);
        byte[] body = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
        written.add(pool.submit(() -> {
          try (FSDataOutputStream stream = fs.create(object, true)) {
            stream.write(body);
          }
          return null;
        }));
      }
      for (Future<?> put : written) {
        put.get();
      }
    } finally {
      pool.shutdown();
      fs.close();
    }
  }
}
