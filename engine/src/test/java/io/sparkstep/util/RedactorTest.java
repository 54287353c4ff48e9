package io.sparkstep.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import io.sparkstep.spi.RunSecrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The secret-key words, the registry's scrubbing, and moving literal secrets into a child's environment. */
class RedactorTest {

  @Test
  void secretLookingKeys() {
    for (String key : List.of("env.DB_PASS", "DB_PASSWORD", "spark.ssl.keyStorePassword", "db.pass", "MYSQL_PWD",
        "spark.hadoop.fs.s3a.secret.key", "fs.s3a.access.key", "GITHUB_TOKEN", "azure.sas", "api_key", "keytab",
        "AZURE_STORAGE_CONNECTION_STRING", "gcp.credentials")) {
      assertTrue(Redactor.isSecretKey(key), key);
    }
    // PWD and OLDPWD are the shell's working directories: scrubbing them would redact every path under them.
    for (String key : List.of("spark.sql.shuffle.partitions", "spark.executor.memory", "rows", "passes", "bypassMerge",
        "PWD", "OLDPWD")) {
      assertFalse(Redactor.isSecretKey(key), key);
    }
  }

  @Test
  void registeredValuesAreScrubbedLongestFirst() {
    String shortOne = "abcd-" + UUID.randomUUID();
    String longOne = shortOne + "-and-more";
    Redactor.register(shortOne);
    Redactor.register(longOne);
    Redactor.register("x"); // too short to scrub
    assertEquals("a " + Redactor.REDACTED + " b " + Redactor.REDACTED + " x",
        Redactor.scrub("a " + longOne + " b " + shortOne + " x"));
  }

  @Test
  void theProcessStreamsScrubEveryLine() {
    String secret = "stream-" + UUID.randomUUID();
    Redactor.register(secret);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = System.out;
    try {
      System.setOut(new PrintStream(sink, true, StandardCharsets.UTF_8));
      ScrubbingPrintStream.install();
      System.out.println("one " + secret);
      System.out.print("two " + secret.substring(0, 5));
      System.out.print(secret.substring(5) + "\n");
    } finally {
      System.setOut(out);
    }
    String text = sink.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains(secret), text);
    assertEquals(2, text.split(java.util.regex.Pattern.quote(Redactor.REDACTED), -1).length - 1, text);
  }

  @Test
  void literalSecretsMoveIntoTheChildsEnvironment() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.hadoop.fs.s3a.secret.key", "literal-value-1");
    conf.put("spark.db.password", "${DB_PASSWORD}");
    conf.put("spark.sql.shuffle.partitions", "8");
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> out = RunSecrets.externalize(conf, env);
    assertEquals("${" + RunSecrets.ENV_PREFIX + "0}", out.get("spark.hadoop.fs.s3a.secret.key"));
    assertEquals("${DB_PASSWORD}", out.get("spark.db.password"), "a reference stays a reference");
    assertEquals("8", out.get("spark.sql.shuffle.partitions"));
    assertEquals(Map.of(RunSecrets.ENV_PREFIX + "0", "literal-value-1"), env);
    assertEquals("literal-value-1", EnvInterpolation.resolve("x", out.get("spark.hadoop.fs.s3a.secret.key"), env::get));
  }
}
