package dev.backlot.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.backlot.gcs.GcsFake;
import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.wire.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFakeTest {

  private static HttpClient client(HttpFake fake, HttpClient.Version version) {
    HttpClient.Builder b = HttpClient.newBuilder().version(version)
        .connectTimeout(Duration.ofSeconds(20));
    if (fake.baseUri().getScheme().equals("https")) {
      b.sslContext(fake.tls().sslContext());
    }
    return b.build();
  }

  private static HttpResponse<String> get(HttpClient c, URI uri) throws Exception {
    return c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpsFakeServesHttp2ThroughAlpnAndHttp11ToClientsThatAskForIt() throws Exception {
    try (HttpFake api = HttpFake.builder().https().start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      assertThat(api.baseUri().toString()).isEqualTo("https://127.0.0.1:" + api.port());
      assertThat(api.wsUri().toString()).startsWith("wss://127.0.0.1:");

      HttpResponse<String> h2 = get(client(api, HttpClient.Version.HTTP_2), api.baseUri().resolve("/ping"));
      assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(h2.body()).isEqualTo("pong");

      HttpResponse<String> h1 = get(client(api, HttpClient.Version.HTTP_1_1), api.baseUri().resolve("/ping"));
      assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(h1.body()).isEqualTo("pong");
      assertThat(api.journal().entries()).hasSize(2);
    }
  }

  @Test
  void localhostNameIsCoveredByTheCertificateToo() throws Exception {
    try (HttpFake api = HttpFake.builder().https().start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      HttpResponse<String> r = get(client(api, HttpClient.Version.HTTP_2),
          URI.create("https://localhost:" + api.port() + "/ping"));
      assertThat(r.body()).isEqualTo("pong");
    }
  }

  @Test
  void http2CanBeTurnedOffOnATlsFake() throws Exception {
    try (HttpFake api = HttpFake.builder().https().http2(false).start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      HttpResponse<String> r = get(client(api, HttpClient.Version.HTTP_2), api.baseUri().resolve("/ping"));
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void aClientWithoutTheCaRefusesTheFake() {
    try (HttpFake api = HttpFake.builder().https().start()) {
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
      assertThatThrownBy(() -> get(plain, api.baseUri().resolve("/x")))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void h2cServesCleartextHttp2ThroughUpgradeAndKeepsHttp11() throws Exception {
    try (HttpFake api = HttpFake.builder().h2c().start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      assertThat(api.baseUri().getScheme()).isEqualTo("http");
      // java.net.http asks for "Upgrade: h2c" on its first cleartext request
      HttpResponse<String> r = get(client(api, HttpClient.Version.HTTP_2), api.baseUri().resolve("/ping"));
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.body()).isEqualTo("pong");
      HttpResponse<String> h1 = get(client(api, HttpClient.Version.HTTP_1_1), api.baseUri().resolve("/ping"));
      assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void h2cWithPriorKnowledgeFromOkHttp() throws Exception {
    try (HttpFake api = HttpFake.builder().h2c().start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      okhttp3.OkHttpClient ok = new okhttp3.OkHttpClient.Builder()
          .protocols(List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE)).build();
      try (okhttp3.Response r = ok.newCall(new okhttp3.Request.Builder()
          .url(api.baseUri() + "/ping").build()).execute()) {
        assertThat(r.protocol()).isEqualTo(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE);
        assertThat(r.body().string()).isEqualTo("pong");
      }
      ok.connectionPool().evictAll();
    }
  }

  @Test
  void plainFakeWithoutH2cAnswersHttp11() throws Exception {
    try (HttpFake api = new HttpFake().start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      HttpResponse<String> r = get(client(api, HttpClient.Version.HTTP_2), api.baseUri().resolve("/ping"));
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThatThrownBy(api::tls).isInstanceOf(IllegalStateException.class)
          .hasMessage("http fake serves plain HTTP: build it with .https() to get certificates");
    }
  }

  @Test
  void altSvcIsOnEveryResponseIncludingErrorsAndOverHttp2() throws Exception {
    String adv = "h3=\":443\"; ma=86400";
    try (HttpFake api = HttpFake.builder().https().altSvc(adv).start()) {
      api.stub("GET", "/ping").respond(Response.text(200, "pong"));
      HttpClient c = client(api, HttpClient.Version.HTTP_2);
      HttpResponse<String> ok = get(c, api.baseUri().resolve("/ping"));
      HttpResponse<String> missing = get(c, api.baseUri().resolve("/nothing"));
      assertThat(ok.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(ok.headers().allValues("alt-svc")).containsExactly(adv);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().allValues("alt-svc")).containsExactly(adv);
    }
    try (HttpFake plain = new HttpFake().start()) {
      HttpResponse<String> r = get(client(plain, HttpClient.Version.HTTP_1_1), plain.baseUri().resolve("/x"));
      assertThat(r.headers().firstValue("alt-svc")).isEmpty();
    }
  }

  @Test
  void manyFakesShareOneCaSoOneClientTrustsThemAll() throws Exception {
    try (HttpFake a = HttpFake.builder().https().start();
        GcsFake b = GcsFake.builder().https().start()) {
      assertThat(a.tls()).isSameAs(b.tls()).isSameAs(TlsCertificates.shared());
      a.stub("GET", "/a").respond(Response.text(200, "a"));
      HttpClient c = HttpClient.newBuilder().sslContext(TlsCertificates.shared().sslContext()).build();
      assertThat(get(c, a.baseUri().resolve("/a")).body()).isEqualTo("a");
      assertThat(get(c, b.baseUri().resolve("/storage/v1/b?project=p")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void certificatesAreWellFormedAndTheCaPemParses(@TempDir Path dir) throws Exception {
    TlsCertificates tls = TlsCertificates.shared();
    X509Certificate server = tls.serverCertificate();
    server.checkValidity();
    server.verify(tls.caCertificate().getPublicKey());
    assertThat(tls.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getSubjectAlternativeNames())
        .extracting(l -> (Object) l.get(1))
        .containsExactly("127.0.0.1", "localhost", "0:0:0:0:0:0:0:1");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

    Path pem = tls.writeCaPem(dir.resolve("sub/ca.pem"));
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    assertThat(text).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
    X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(pem));
    assertThat(parsed).isEqualTo(tls.caCertificate());
    assertThat(tls.trustStore().getCertificate("backlot-ca")).isEqualTo(tls.caCertificate());
  }

  @Test
  void generatedCertificatesForOtherHostsAreNotTheSharedOnes() throws Exception {
    TlsCertificates own = TlsCertificates.generate("backlot.test", "10.0.0.7");
    assertThat(own.caCertificate()).isNotEqualTo(TlsCertificates.shared().caCertificate());
    assertThat(own.serverCertificate().getSubjectAlternativeNames())
        .extracting(l -> (Object) l.get(1)).containsExactly("backlot.test", "10.0.0.7");
    assertThatThrownBy(TlsCertificates::generate).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a server certificate needs at least one host name");
  }

  @Test
  void openAiJavaOverHttpsWithTheFakesTrustManager() {
    try (OpenAiFake llm = OpenAiFake.builder().https().setup(x -> x.reply("Hello over TLS")).start()) {
      OpenAIClient client = OpenAIOkHttpClient.builder()
          .baseUrl(llm.baseUri() + "/v1")
          .apiKey("sk-test")
          .sslSocketFactory(llm.tls().socketFactory())
          .trustManager(llm.tls().trustManager())
          .timeout(Duration.ofSeconds(30))
          .build();
      try {
        var c = client.chat().completions().create(ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini").addUserMessage("hi").build());
        assertThat(c.choices().get(0).message().content()).contains("Hello over TLS");
        var streamed = new StringBuilder();
        try (var s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini").addUserMessage("hi").build())) {
          s.stream().flatMap(x -> x.choices().stream())
              .forEach(ch -> streamed.append(ch.delta().content().orElse("")));
        }
        assertThat(streamed.toString()).isEqualTo("Hello over TLS");
      } finally {
        client.close();
      }
      assertThat(llm.journal().entries()).isNotEmpty();
    }
  }

  @Test
  void googleCloudStorageOverHttpsWithATransportThatTrustsTheCa() throws Exception {
    try (GcsFake gcs = GcsFake.builder().https().start()) {
      NetHttpTransport transport = new NetHttpTransport.Builder()
          .trustCertificates(gcs.tls().trustStore()).build();
      Storage storage = StorageOptions.newBuilder()
          .setHost(gcs.baseUri().toString())
          .setProjectId("test")
          .setCredentials(NoCredentials.getInstance())
          .setTransportOptions(HttpTransportOptions.newBuilder()
              .setHttpTransportFactory(() -> transport)
              .setConnectTimeout(20_000).setReadTimeout(60_000).build())
          .build().getService();
      storage.create(BucketInfo.of("tls-bucket"));
      storage.create(BlobInfo.newBuilder(BlobId.of("tls-bucket", "a.txt")).build(),
          "secret".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(storage.readAllBytes(BlobId.of("tls-bucket", "a.txt")),
          StandardCharsets.UTF_8)).isEqualTo("secret");
      assertThat(gcs.baseUri().getScheme()).isEqualTo("https");
    }
  }

  @Test
  void baseUriAfterCloseThrowsAClearError() {
    HttpFake api = new HttpFake().start();
    api.close();
    assertThatThrownBy(api::baseUri).isInstanceOf(IllegalStateException.class)
        .hasMessage("http fake is closed: it has no port or address any more (build a new one)");
  }
}
