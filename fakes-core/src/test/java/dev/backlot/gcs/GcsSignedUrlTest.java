package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.SignUrlOption;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V4 (and V2) signed URLs made by the official client's {@code signUrl} with a test RSA key,
 * used with a plain HTTP client; the fake verifies signature and expiry.
 */
class GcsSignedUrlTest {

  private static final String EMAIL = "signer@test-project.iam.gserviceaccount.com";

  private static KeyPair keys;
  private static KeyPair otherKeys;
  private static ServiceAccountCredentials signer;
  private static ManualClock clock;
  private static GcsFake gcs;
  private static Storage storage;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048, new SecureRandom(new byte[] {1}));
    keys = kpg.generateKeyPair();
    otherKeys = kpg.generateKeyPair();
    signer = credentials(keys);
    clock = Clock.manual();
    gcs = GcsFake.builder()
        .clock(clock)
        .bucket("media")
        .object("media", "clips/intro one.txt", "signed hello")
        .signer(EMAIL, keys.getPublic())
        .start();
    storage = Clients.storage(gcs);
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
    gcs.close();
  }

  @BeforeEach
  void reset() {
    gcs.reset();
  }

  private static ServiceAccountCredentials credentials(KeyPair kp) {
    return ServiceAccountCredentials.newBuilder()
        .setClientEmail(EMAIL)
        .setPrivateKey(kp.getPrivate())
        .setPrivateKeyId("test-key")
        .setProjectId("test")
        .build();
  }

  private URL sign(String name, HttpMethod method, long seconds, ServiceAccountCredentials creds,
      SignUrlOption version) {
    return storage.signUrl(BlobInfo.newBuilder("media", name).build(), seconds, TimeUnit.SECONDS,
        version, SignUrlOption.signWith(creds), SignUrlOption.httpMethod(method),
        SignUrlOption.withHostName(gcs.baseUri().toString()));
  }

  private static HttpResponse<String> send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (body != null) {
      b.header("Content-Type", "text/plain").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void v4SignedGetAndHeadReadTheObject() throws Exception {
    URL url = sign("clips/intro one.txt", HttpMethod.GET, 900, signer, SignUrlOption.withV4Signature());
    assertThat(url.toString()).startsWith(gcs.baseUri() + "/media/clips/intro%20one.txt?")
        .contains("X-Goog-Algorithm=GOOG4-RSA-SHA256");

    HttpResponse<String> r = send("GET", url.toString(), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("signed hello");
    assertThat(r.headers().firstValue("x-goog-generation")).isPresent();

    URL head = sign("clips/intro one.txt", HttpMethod.HEAD, 900, signer, SignUrlOption.withV4Signature());
    HttpResponse<String> h = send("HEAD", head.toString(), null);
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.headers().firstValue("x-goog-stored-content-length")).hasValue("12");
  }

  @Test
  void v4SignedPutStoresTheBodyAndAnswersEmpty() throws Exception {
    URL url = sign("uploads/new.txt", HttpMethod.PUT, 900, signer, SignUrlOption.withV4Signature());

    HttpResponse<String> r = send("PUT", url.toString(), "uploaded through a signed URL");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    GcsObject o = gcs.object("media", "uploads/new.txt");
    assertThat(o.text()).isEqualTo("uploaded through a signed URL");
    assertThat(o.contentType()).isEqualTo("text/plain");
    assertThat(r.headers().firstValue("x-goog-generation")).hasValue(Long.toString(o.generation()));
  }

  @Test
  void anExpiredUrlIsRefusedWithExpiredToken() throws Exception {
    URL url = sign("clips/intro one.txt", HttpMethod.GET, 60, signer, SignUrlOption.withV4Signature());
    assertThat(send("GET", url.toString(), null).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(62));
    HttpResponse<String> r = send("GET", url.toString(), null);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
    assertThat(r.body()).contains("<Code>ExpiredToken</Code>")
        .contains("<Message>The provided token has expired.</Message>");

    URL put = sign("late.txt", HttpMethod.PUT, 1, signer, SignUrlOption.withV4Signature());
    clock.advance(Duration.ofSeconds(3));
    assertThat(send("PUT", put.toString(), "late").statusCode()).isEqualTo(400);
    assertThat(gcs.object("media", "late.txt")).isNull();
  }

  @Test
  void aTamperedOrForeignSignatureIsRefused() throws Exception {
    URL url = sign("clips/intro one.txt", HttpMethod.GET, 900, signer, SignUrlOption.withV4Signature());
    String s = url.toString();
    int at = s.indexOf("X-Goog-Signature=") + "X-Goog-Signature=".length();
    char flipped = s.charAt(at) == 'a' ? 'b' : 'a';
    String tampered = s.substring(0, at) + flipped + s.substring(at + 1);

    HttpResponse<String> r = send("GET", tampered, null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<Code>SignatureDoesNotMatch</Code>")
        .contains("<StringToSign>GOOG4-RSA-SHA256\n");

    // same service account email, signed with a key the fake does not know
    URL foreign = sign("clips/intro one.txt", HttpMethod.GET, 900, credentials(otherKeys),
        SignUrlOption.withV4Signature());
    assertThat(send("GET", foreign.toString(), null).statusCode()).isEqualTo(403);

    // a URL signed for GET does not authorise a PUT
    HttpResponse<String> put = send("PUT", url.toString(), "overwrite");
    assertThat(put.statusCode()).isEqualTo(403);
    assertThat(gcs.object("media", "clips/intro one.txt").text()).isEqualTo("signed hello");
  }

  @Test
  void malformedSignedParametersAreMalformedSecurityHeader() throws Exception {
    URL url = sign("clips/intro one.txt", HttpMethod.GET, 900, signer, SignUrlOption.withV4Signature());
    String badDate = url.toString().replaceAll("X-Goog-Date=[0-9TZ]+", "X-Goog-Date=yesterday");
    HttpResponse<String> r = send("GET", badDate, null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("<Code>MalformedSecurityHeader</Code>");

    String tooLong = url.toString().replace("X-Goog-Expires=900", "X-Goog-Expires=604801");
    assertThat(send("GET", tooLong, null).body()).contains("<Code>MalformedSecurityHeader</Code>");
  }

  @Test
  void missingObjectAndBucketAreXmlErrors() throws Exception {
    URL url = sign("nothing-here", HttpMethod.GET, 900, signer, SignUrlOption.withV4Signature());
    HttpResponse<String> r = send("GET", url.toString(), null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).startsWith("<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code>");

    HttpResponse<String> b = send("GET", gcs.baseUri() + "/no-such-bucket/x", null);
    assertThat(b.statusCode()).isEqualTo(404);
    assertThat(b.body()).contains("<Code>NoSuchBucket</Code>");
  }

  @Test
  void theClientsResumableWriterWorksThroughASignedPostUrl() throws Exception {
    URL url = sign("resumable/via-signed.bin", HttpMethod.POST, 900, signer,
        SignUrlOption.withV4Signature());
    byte[] data = new byte[700 * 1024];
    new java.util.Random(3).nextBytes(data);

    try (WriteChannel w = storage.writer(url)) {
      w.setChunkSize(256 * 1024);
      w.write(ByteBuffer.wrap(data));
    }

    assertThat(gcs.object("media", "resumable/via-signed.bin").bytes()).isEqualTo(data);
    assertThat(gcs.journal().count(e -> "POST".equals(e.method()) && e.status() == 201)).isEqualTo(1);
  }

  @Test
  void v2SignedUrlsAreVerifiedToo() throws Exception {
    URL url = sign("clips/intro one.txt", HttpMethod.GET, 60, signer, SignUrlOption.withV2Signature());
    assertThat(url.toString()).contains("GoogleAccessId=");
    assertThat(send("GET", url.toString(), null).body()).isEqualTo("signed hello");

    URL foreign = sign("clips/intro one.txt", HttpMethod.GET, 60, credentials(otherKeys),
        SignUrlOption.withV2Signature());
    assertThat(send("GET", foreign.toString(), null).statusCode()).isEqualTo(403);

    clock.advance(Duration.ofSeconds(120));
    assertThat(send("GET", url.toString(), null).body()).contains("<Code>ExpiredToken</Code>");
  }

  @Test
  void withoutARegisteredKeyOnlyFormatAndExpiryAreChecked() throws Exception {
    try (GcsFake open = GcsFake.builder().clock(clock).object("media", "a.txt", "open").start()) {
      URL url = storage.signUrl(BlobInfo.newBuilder("media", "a.txt").build(), 60, TimeUnit.SECONDS,
          SignUrlOption.withV4Signature(), SignUrlOption.signWith(credentials(otherKeys)),
          SignUrlOption.withHostName(open.baseUri().toString()));
      assertThat(send("GET", url.toString(), null).body()).isEqualTo("open");
      clock.advance(Duration.ofSeconds(61));
      assertThat(send("GET", url.toString(), null).statusCode()).isEqualTo(400);
    }
  }
}
