package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkstep.spec.FileSystemConnectors;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The connector set (sparkstep-connectors) serves every object-store scheme the validator accepts: each file system
 * class loads with the jars of the set alone (a connector missing one of its own dependencies fails here, as
 * hadoop-aws without the AWS SDK would). No store is contacted.
 */
class ConnectorSetTest {

  @ParameterizedTest
  @CsvSource({
      "s3a, org.apache.hadoop.fs.s3a.S3AFileSystem",
      "gs, com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem",
      "abfs, org.apache.hadoop.fs.azurebfs.AzureBlobFileSystem",
      "abfss, org.apache.hadoop.fs.azurebfs.SecureAzureBlobFileSystem",
      "wasb, org.apache.hadoop.fs.azure.NativeAzureFileSystem",
      "wasbs, org.apache.hadoop.fs.azure.NativeAzureFileSystem$Secure"})
  void everyObjectStoreSchemeHasItsFileSystem(String scheme, String fileSystemClass) throws Exception {
    assertNull(FileSystemConnectors.problem("outputs.x.uri", scheme, Map.of(), getClass().getClassLoader()));
    assertEquals(fileSystemClass, FileSystem.getFileSystemClass(scheme, new Configuration()).getName());
    // what the class needs beyond itself resolves too (static initializers and the classes its fields name)
    for (java.lang.reflect.Field field : Class.forName(fileSystemClass).getDeclaredFields()) {
      field.getType();
    }
    List.of(Class.forName(fileSystemClass).getDeclaredConstructors()).forEach(java.lang.reflect.Constructor::getParameterTypes);
  }
}
