package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.SignUrlOption;
import dev.backlot.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 7: signer keys from the launcher's settings, and strict mode, where the XML API
 * requires a valid signature from a registered signer (as GCS does for private objects).
 */
class GcsStrictSignaturesTest {

  private static final String EMAIL = "signer@test-project.iam.gserviceaccount.com";
  private static final String STRANGER = "stranger@test-project.iam.gserviceaccount.com";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static KeyPair keys;
  private static KeyPair strangerKeys;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048, new SecureRandom(new byte[] {2}));
    keys = kpg.generateKeyPair();
    strangerKeys = kpg.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static String signed(GcsFake gcs, String email, KeyPair kp, HttpMethod method) throws Exception {
    ServiceAccountCredentials creds = ServiceAccountCredentials.newBuilder()
        .setClientEmail(email).setPrivateKey(kp.getPrivate()).setPrivateKeyId("k")
        .setProjectId("test").build();
    try (Storage storage = Clients.storage(gcs)) {
      return storage.signUrl(BlobInfo.newBuilder("media", "secret.txt").build(), 600,
          TimeUnit.SECONDS, SignUrlOption.withV4Signature(), SignUrlOption.signWith(creds),
          SignUrlOption.httpMethod(method), SignUrlOption.withHostName(gcs.baseUri().toString()))
          .toString();
    }
  }

  private static HttpResponse<String> send(String method, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void byDefaultUnsignedReadsAndUnregisteredSignersAreServed() throws Exception {
    try (GcsFake gcs = GcsFake.builder().object("media", "secret.txt", "s3cret").start()) {
      assertThat(send("GET", gcs.baseUri() + "/media/secret.txt").statusCode()).isEqualTo(200);
      assertThat(send("GET", signed(gcs, STRANGER, strangerKeys, HttpMethod.GET)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void strictModeRequiresAValidSignatureFromARegisteredSigner() throws Exception {
    String settings = "{\"objects\": [{\"bucket\": \"media\", \"name\": \"secret.txt\", \"text\": \"s3cret\"}],"
        + " \"strictSignatures\": true, \"signers\": [{\"email\": \"" + EMAIL + "\", \"publicKey\": "
        + Json.mapper().writeValueAsString(pem("PUBLIC KEY", keys.getPublic().getEncoded())) + "}]}";
    try (GcsFake gcs = GcsFake.builder().configure(Json.parse(settings.getBytes())).start()) {
      HttpResponse<String> anonymous = send("GET", gcs.baseUri() + "/media/secret.txt");
      assertThat(anonymous.statusCode()).isEqualTo(403);
      assertThat(anonymous.body()).contains("<Code>AccessDenied</Code>")
          .contains("Anonymous caller does not have storage.objects.get access");
      HttpResponse<String> anonymousDelete = send("DELETE", gcs.baseUri() + "/media/secret.txt");
      assertThat(anonymousDelete.statusCode()).isEqualTo(403);

      HttpResponse<String> stranger = send("GET", signed(gcs, STRANGER, strangerKeys, HttpMethod.GET));
      assertThat(stranger.statusCode()).isEqualTo(403);
      assertThat(stranger.body()).contains("<Code>SignatureDoesNotMatch</Code>");

      // a registered email with the wrong key
      HttpResponse<String> forged = send("GET", signed(gcs, EMAIL, strangerKeys, HttpMethod.GET));
      assertThat(forged.statusCode()).isEqualTo(403);

      HttpResponse<String> good = send("GET", signed(gcs, EMAIL, keys, HttpMethod.GET));
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(good.body()).isEqualTo("s3cret");
      assertThat(gcs.object("media", "secret.txt").text()).isEqualTo("s3cret");

      // the registered signer survives reset (it is part of the configured state)
      gcs.reset();
      assertThat(send("GET", signed(gcs, EMAIL, keys, HttpMethod.GET)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aServiceAccountKeyFileRegistersItsSigner(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("sa.json");
    Files.writeString(keyFile, Json.mapper().writeValueAsString(java.util.Map.of(
        "type", "service_account", "client_email", EMAIL,
        "private_key", pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
    String settings = "{\"strictSignatures\": true, \"objects\": [{\"bucket\": \"media\","
        + " \"name\": \"secret.txt\", \"text\": \"s3cret\"}], \"signers\": [{\"keyFile\": "
        + Json.mapper().writeValueAsString(keyFile.toString()) + "}]}";
    try (GcsFake gcs = GcsFake.builder().configure(Json.parse(settings.getBytes())).start()) {
      assertThat(send("GET", signed(gcs, EMAIL, keys, HttpMethod.GET)).statusCode()).isEqualTo(200);
      assertThat(send("GET", gcs.baseUri() + "/media/secret.txt").statusCode()).isEqualTo(403);
    }
  }

  @Test
  void badSignerSettingsFailAtConfiguration() {
    assertThatThrownBy(() -> GcsFake.builder().configure(Json.parse(
        "{\"signers\": [{\"email\": \"a@b\", \"publicKey\": \"not a key\"}]}".getBytes())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSA public key");
    assertThatThrownBy(() -> GcsFake.builder().configure(Json.parse(
        "{\"strictSignatures\": \"yes\"}".getBytes())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictSignatures");
  }
}
