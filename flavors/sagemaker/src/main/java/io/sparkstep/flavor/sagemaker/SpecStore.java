package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.remote.JarStaging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Where a run's spec and its remote run record live when they do not fit in the container's environment: an S3 prefix
 * in production, a {@code file:} directory in local tests. The container reads them through Hadoop, so S3 locations
 * are handed to it with the {@code s3a://} scheme.
 */
final class SpecStore {
  private final String prefix;
  private final Supplier<S3Client> s3;

  SpecStore(String prefix, Supplier<S3Client> s3) {
    this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    this.s3 = s3;
  }

  /** The location of {@code name} for one run, as this process addresses it (s3:// or file:). */
  String location(String runId, String name) {
    return prefix + "/" + runId + "/" + name;
  }

  /** The same location as the container's Hadoop file systems address it. */
  static String forContainer(String location) {
    return location.startsWith("s3://") ? "s3a://" + location.substring("s3://".length()) : location;
  }

  void write(String location, String text) {
    URI uri = URI.create(location);
    if ("file".equals(uri.getScheme())) {
      try {
        Path path = Paths.get(uri);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write " + location, e);
      }
    } else {
      s3.get().putObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)), RequestBody.fromString(text));
    }
  }

  Optional<String> read(String location) {
    URI uri = URI.create(location);
    if ("file".equals(uri.getScheme())) {
      try {
        return Optional.of(Files.readString(Paths.get(uri), StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + location, e);
      }
    }
    try {
      return Optional.of(s3.get().getObjectAsBytes(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)))
          .asUtf8String());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  /** Where the run's step jars are staged: shared by every run, so a jar of the same content is uploaded once. */
  String jarsLocation() {
    return prefix;
  }

  /** Copies a step jar to S3 with this store's client; a {@code file:} store through Hadoop's local file system. */
  JarStaging.Uploader jarUploader() {
    JarStaging.Uploader local =
        JarStaging.hadoop(new org.apache.hadoop.conf.Configuration());
    return new JarStaging.Uploader() {
      @Override
      public boolean exists(String location) throws IOException {
        URI uri = URI.create(location);
        if ("file".equals(uri.getScheme())) {
          return local.exists(location);
        }
        try {
          s3.get().headObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)));
          return true;
        } catch (NoSuchKeyException e) {
          return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
          if (e.statusCode() == 404) {
            return false;
          }
          throw e;
        }
      }

      @Override
      public void upload(Path file, String location) throws IOException {
        URI uri = URI.create(location);
        if ("file".equals(uri.getScheme())) {
          local.upload(file, location);
        } else {
          s3.get().putObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)), RequestBody.fromFile(file));
        }
      }
    };
  }

  static boolean isSupported(String prefix) {
    return prefix.startsWith("s3://") || prefix.startsWith("file:");
  }
}
