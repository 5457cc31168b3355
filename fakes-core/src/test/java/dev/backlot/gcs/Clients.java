package dev.backlot.gcs;

import com.google.api.core.ApiClock;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.time.Duration;

/** The official client pointed at a fake, with short retries so failures surface quickly. */
final class Clients {

  private Clients() {}

  static Storage storage(GcsFake fake) {
    return storage(fake, 3);
  }

  static Storage storage(GcsFake fake, int maxAttempts) {
    StorageOptions.Builder b = StorageOptions.newBuilder();
    if (fake.clock().isManual()) {
      // sign URLs on the fake's clock, so expiry is decided by the test alone
      b.setClock(new ApiClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long millisTime() {
          return fake.clock().millis();
        }
      });
    }
    return b
        .setHost(fake.baseUri().toString())
        // generous: this machine is shared and slow at times
        .setTransportOptions(HttpTransportOptions.newBuilder()
            .setConnectTimeout(20_000)
            .setReadTimeout(60_000)
            .build())
        .setProjectId("test")
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(
            RetrySettings.newBuilder()
                .setMaxAttempts(maxAttempts)
                .setInitialRetryDelayDuration(Duration.ofMillis(10))
                .setMaxRetryDelayDuration(Duration.ofMillis(100))
                .setRetryDelayMultiplier(2.0)
                .setTotalTimeoutDuration(Duration.ofSeconds(60))
                .setInitialRpcTimeoutDuration(Duration.ofSeconds(30))
                .setMaxRpcTimeoutDuration(Duration.ofSeconds(30))
                .setRpcTimeoutMultiplier(1.0)
                .build())
        .build()
        .getService();
  }
}
