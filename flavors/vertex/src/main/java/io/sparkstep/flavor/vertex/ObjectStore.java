package io.sparkstep.flavor.vertex;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.sparkstep.spi.remote.JarStaging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Small text objects under the operator's {@code stagingUri}: Cloud Storage for {@code gs://} (credentials from the
 * default chain), the local file system for {@code file:} (tests against a local stand-in).
 */
final class ObjectStore {
  private final String project;
  private Storage storage;

  ObjectStore(String project) {
    this.project = project;
  }

  void write(String uri, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (uri.startsWith("gs://")) {
      storage().create(BlobInfo.newBuilder(blobId(uri)).setContentType("application/json").build(), bytes);
      return;
    }
    try {
      Path path = Path.of(URI.create(uri));
      Files.createDirectories(path.getParent());
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + uri + ": " + e.getMessage(), e);
    }
  }

  Optional<String> read(String uri) {
    if (uri.startsWith("gs://")) {
      try {
        byte[] bytes = storage().readAllBytes(blobId(uri));
        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
      } catch (StorageException e) {
        if (e.getCode() == 404) {
          return Optional.empty();
        }
        throw e;
      }
    }
    try {
      Path path = Path.of(URI.create(uri));
      return Files.isRegularFile(path) ? Optional.of(Files.readString(path)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Copies a step jar: to Cloud Storage with this store's client, to a {@code file:} folder through Hadoop. */
  JarStaging.Uploader jarUploader() {
    JarStaging.Uploader local =
        JarStaging.hadoop(new org.apache.hadoop.conf.Configuration());
    return new JarStaging.Uploader() {
      @Override
      public boolean exists(String uri) throws IOException {
        return uri.startsWith("gs://") ? storage().get(blobId(uri)) != null : local.exists(uri);
      }

      @Override
      public void upload(Path file, String uri) throws IOException {
        if (uri.startsWith("gs://")) {
          storage().createFrom(BlobInfo.newBuilder(blobId(uri)).setContentType("application/java-archive").build(),
              file);
        } else {
          local.upload(file, uri);
        }
      }
    };
  }

  private synchronized Storage storage() {
    if (storage == null) {
      StorageOptions.Builder options = StorageOptions.newBuilder();
      if (project != null) {
        options.setProjectId(project);
      }
      storage = options.build().getService();
    }
    return storage;
  }

  private static BlobId blobId(String uri) {
    String rest = uri.substring("gs://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("not a gs://BUCKET/OBJECT URI: " + uri);
    }
    return BlobId.of(rest.substring(0, slash), rest.substring(slash + 1));
  }
}
