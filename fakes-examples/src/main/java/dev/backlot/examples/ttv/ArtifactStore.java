package dev.backlot.examples.ttv;

import com.google.api.core.ApiClock;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.SignUrlOption;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * Where finished videos go: Cloud Storage through the official client, at {@code
 * gs://{bucket}/{prefix}/{YYYY-MM}/{job_id}/final_video.mp4} (the month the job was created, UTC),
 * handed out as V4 signed URLs signed with the service account's key.
 *
 * <pre>{@code
 * ArtifactStore store = ArtifactStore.connect(settings);
 * String uri = store.upload(jobId, createdAt, mp4);          // gs://bucket/renders/2026-03/<id>/final_video.mp4
 * URL url = store.signedUrl(uri, Duration.ofHours(1));
 * }</pre>
 */
public final class ArtifactStore implements AutoCloseable {

  /**
   * How to reach storage: {@code host} null means {@code https://storage.googleapis.com}; {@code
   * signer} signs URLs (its key must be the service account's); {@code clock} dates paths and
   * signatures; {@code attempts} bounds the client's retries of 5xx and 429.
   */
  public record Settings(String host, String project, String bucket, String prefix,
      ServiceAccountCredentials signer, Clock clock, int attempts) {}

  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

  private final Storage storage;
  private final Settings settings;

  private ArtifactStore(Storage storage, Settings settings) {
    this.storage = storage;
    this.settings = settings;
  }

  /** A store on its own client, built from {@code s}. */
  public static ArtifactStore connect(Settings s) {
    StorageOptions.Builder b = StorageOptions.newBuilder()
        .setProjectId(s.project())
        .setClock(new ApiClock() { // signatures dated by our clock, like every other timestamp
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public long millisTime() {
            return s.clock().millis();
          }
        })
        .setRetrySettings(RetrySettings.newBuilder()
            .setMaxAttempts(s.attempts())
            .setInitialRetryDelayDuration(Duration.ofMillis(20))
            .setMaxRetryDelayDuration(Duration.ofMillis(200))
            .setRetryDelayMultiplier(2.0)
            .setTotalTimeoutDuration(Duration.ofSeconds(60))
            .setInitialRpcTimeoutDuration(Duration.ofSeconds(30))
            .setMaxRpcTimeoutDuration(Duration.ofSeconds(30))
            .setRpcTimeoutMultiplier(1.0)
            .build());
    if (s.host() != null) {
      b.setHost(s.host()).setCredentials(NoCredentials.getInstance()); // an emulator
    } else {
      b.setCredentials(s.signer());
    }
    return new ArtifactStore(b.build().getService(), s);
  }

  /** The object name of a job's video. */
  public String objectName(String jobId, Instant createdAt) {
    return settings.prefix() + "/" + MONTH.format(createdAt) + "/" + jobId + "/final_video.mp4";
  }

  /** Uploads the video; answers its {@code gs://} URI. */
  public String upload(String jobId, Instant createdAt, byte[] mp4) throws StorageException {
    BlobInfo info = BlobInfo.newBuilder(settings.bucket(), objectName(jobId, createdAt))
        .setContentType("video/mp4").build();
    // "does not exist" makes the upload idempotent, so the client retries it after a 5xx
    storage.create(info, mp4, Storage.BlobTargetOption.doesNotExist());
    return "gs://" + settings.bucket() + "/" + info.getName();
  }

  /** The object's bytes, or null when there is none. */
  public byte[] download(String gsUri) throws StorageException {
    BlobId id = BlobId.fromGsUtilUri(gsUri);
    return storage.get(id) == null ? null : storage.readAllBytes(id);
  }

  /** A V4 signed GET URL valid for {@code ttl}. */
  public URL signedUrl(String gsUri, Duration ttl) {
    BlobId id = BlobId.fromGsUtilUri(gsUri);
    SignUrlOption[] options = settings.host() == null
        ? new SignUrlOption[] {SignUrlOption.withV4Signature(), SignUrlOption.signWith(settings.signer())}
        : new SignUrlOption[] {SignUrlOption.withV4Signature(), SignUrlOption.signWith(settings.signer()),
            SignUrlOption.withHostName(settings.host())};
    return storage.signUrl(BlobInfo.newBuilder(id).build(), ttl.toSeconds(), TimeUnit.SECONDS, options);
  }

  @Override
  public void close() throws Exception {
    storage.close();
  }
}
