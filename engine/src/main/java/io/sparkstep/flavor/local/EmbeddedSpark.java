package io.sparkstep.flavor.local;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.StaticSQLConf;

/**
 * The embedded SparkContext this JVM shares between local runs. Starting Spark costs seconds, so consecutive runs
 * with the same master and core conf reuse one context, each run in a fresh {@code newSession()} (its own SQL conf
 * and temp views). A run that needs another master or core conf restarts the context if Sparkstep created it; a
 * context the application created itself is never stopped by us.
 */
final class EmbeddedSpark {
  private static SparkSession owned;
  private static String ownedKey;

  private EmbeddedSpark() {
  }

  static synchronized SparkSession session(String master, Map<String, String> conf) {
    Map<String, String> core = new TreeMap<>();
    Map<String, String> sql = new TreeMap<>();
    // Spark registers its static SQL keys (spark.sql.extensions among them) when StaticSQLConf first loads, which
    // before the first session has not happened: without this, isStaticConfigKey says no and the session refuses them.
    StaticSQLConf.SPARK_SESSION_EXTENSIONS();
    conf.forEach((k, v) -> {
      if (k.equals("spark.app.name")) {
        return;
      }
      if (SQLConf.isStaticConfigKey(k) || !k.startsWith("spark.sql.")) {
        core.put(k, v);
      } else {
        sql.put(k, v);
      }
    });
    String key = master + core;
    SparkSession active = SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
    if (active != null && active.sparkContext().isStopped()) {
      active = null;
    }
    SparkSession base;
    // A context of ours may be the default through another of its sessions (a step's newSession()): compare contexts.
    if (active != null && (owned == null || active.sparkContext() != owned.sparkContext())) {
      base = active;
      checkCompatible(active, master, core);
    } else if (owned != null && !owned.sparkContext().isStopped() && key.equals(ownedKey)) {
      base = owned;
    } else {
      if (owned != null) {
        owned.stop();
      }
      SparkSession.Builder builder = SparkSession.builder().master(master)
          .appName(conf.getOrDefault("spark.app.name", "sparkstep"));
      core.forEach(builder::config);
      owned = builder.getOrCreate();
      ownedKey = key;
      base = owned;
    }
    SparkSession session = base.newSession();
    sql.forEach((k, v) -> session.conf().set(k, v));
    if (conf.containsKey("spark.app.name")) {
      session.sparkContext().setJobDescription(conf.get("spark.app.name"));
    }
    return session;
  }

  private static void checkCompatible(SparkSession active, String master, Map<String, String> core) {
    SparkConf running = active.sparkContext().getConf();
    StringBuilder conflicts = new StringBuilder();
    core.forEach((k, v) -> {
      // The redaction regex Sparkstep adds to every run is no reason to refuse an application's own context.
      if (!v.equals(running.get(k, null)) && !k.startsWith("spark.hadoop.") && !k.equals("spark.redaction.regex")) {
        conflicts.append(' ').append(k);
      }
    });
    if (conflicts.length() > 0) {
      throw new IllegalStateException("this JVM already runs a SparkContext (master " + running.get("spark.master")
          + ") that Sparkstep did not start and whose conf differs in:" + conflicts
          + "; set these when you create your SparkSession, or use an operator with isolation=process");
    }
  }
}
