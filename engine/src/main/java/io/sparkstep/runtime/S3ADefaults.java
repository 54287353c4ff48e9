package io.sparkstep.runtime;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Sparkstep's defaults for a run that reads or writes s3a; any of them set by the spec, the operator or the launcher
 * wins.
 *
 * <ul>
 *   <li>Credentials: the AWS SDK's default chain (environment, system properties, web identity as with IRSA, the
 *       shared profile, container and instance roles, so a SageMaker job's role just works), after the s3a keys of
 *       the Hadoop conf. Hadoop's own default list lacks the profile and web identity.</li>
 *   <li>Spark's job commit through the S3A magic committer: tasks upload their files as multipart uploads that the
 *       job commit completes, so nothing is copied (Spark's default commit renames every file: a copy on S3). Only
 *       where the driver has Spark's cloud bindings (spark-hadoop-cloud, shipped with the connectors).</li>
 * </ul>
 */
public final class S3ADefaults {
  static final String CREDENTIAL_PROVIDERS = "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider,"
      + "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider,"
      + "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider";
  static final String PROTOCOL = "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol";
  static final String PARQUET_COMMITTER = "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter";
  static final String FACTORY = "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory";

  private S3ADefaults() {
  }

  /** The defaults for {@code spec}'s run in a driver whose classes come from {@code loader}; empty without s3a. */
  public static Map<String, String> forRun(StepSpec spec, ClassLoader loader) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (Stream.concat(spec.inputs.values().stream(), spec.outputs.values().stream()).anyMatch(S3ADefaults::onS3a)) {
      conf.put("spark.hadoop.fs.s3a.aws.credentials.provider", CREDENTIAL_PROVIDERS);
    }
    if (spec.outputs.values().stream().anyMatch(S3ADefaults::onS3a) && loadable(loader, PROTOCOL, FACTORY)) {
      conf.put("spark.sql.sources.commitProtocolClass", PROTOCOL);
      conf.put("spark.sql.parquet.output.committer.class", PARQUET_COMMITTER);
      conf.put("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a", FACTORY);
      conf.put("spark.hadoop.fs.s3a.committer.name", "magic");
    }
    return conf;
  }

  private static boolean onS3a(ArtifactSpec artifact) {
    try {
      return artifact != null && artifact.uri != null && "s3a".equals(new URI(artifact.uri).getScheme());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static boolean loadable(ClassLoader loader, String... classNames) {
    try {
      for (String name : classNames) {
        Class.forName(name, false, loader);
      }
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
