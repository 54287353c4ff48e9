package io.sparkstep.flavor.azureml;

import com.azure.core.credential.AccessToken;
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.time.OffsetDateTime;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import reactor.core.publisher.Mono;

/**
 * What an application embedding Sparkstep does before it talks to Azure ML, done in a fresh CLI JVM for the stand-in:
 * hand {@link AzureCredentials} its token, and trust the stand-in's certificate (the key store named by
 * {@link #KEY_STORE_ENV}) instead of the JDK's public roots.
 */
public final class StandInClientSetup implements Runnable {
  static final String KEY_STORE_ENV = "SPARKSTEP_TEST_AZURE_KEY_STORE";
  static final String TOKEN = "sparkstep-test-bearer-token-9f3e";

  @Override
  public void run() {
    install(java.nio.file.Path.of(System.getenv(KEY_STORE_ENV)));
  }

  /** The same in this JVM: trust the certificate in {@code keyStore}, use the stand-in's token. */
  static void install(java.nio.file.Path keyStore) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = new FileInputStream(keyStore.toFile())) {
        store.load(in, "changeit".toCharArray());
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      SSLContext.setDefault(context);
    } catch (Exception e) {
      throw new IllegalStateException("cannot trust the stand-in's certificate", e);
    }
    AzureCredentials.use(request -> Mono.just(new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1))));
  }
}
