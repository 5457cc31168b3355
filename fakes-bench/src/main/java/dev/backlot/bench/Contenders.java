package dev.backlot.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.backlot.http.HttpFake;
import dev.backlot.net.NetworkLink;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.wire.Response;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Side-by-side comparisons, each a JMH group of two methods that run at the same time (one
 * client thread each, one keep-alive connection each, {@link RawHttp}), so both contenders see
 * the same machine noise. The ratio of the two methods' throughput in each iteration is the
 * figure to read; {@link Ratios} runs them all and prints the medians.
 *
 * <ul>
 *   <li>{@code fakeVsUndertow}: HttpFake with one stub / bare Undertow 2.3 answering the same
 *       JSON on its IO thread;
 *   <li>{@code dispatchVsUndertow}: bare Undertow handing each request to a worker / bare
 *       Undertow (what a worker hand-off costs, the floor for a fake that dispatches);
 *   <li>{@code fakeVsWireMock}: HttpFake / WireMock 3.13 with one stub;
 *   <li>{@code linkVsDirect}: the HttpFake through a {@link NetworkLink} with no toxics /
 *       direct to the same fake (one connection each: the link's added latency);
 *   <li>{@code linkVsDirectMany}: the same with four client threads and connections per
 *       contender (the link's throughput, nearer {@code wrk -c50});
 *   <li>{@code openAiVsStub}: OpenAiFake chat completion POST / an HttpFake stub answering the
 *       same POST with the same bytes (the OpenAI fake's reply, headers and body, captured once).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class Contenders {

  /** The 34-byte JSON every GET contender answers. */
  static final String BODY = "{\"ok\":true,\"message\":\"hello\",\"n\":1}".substring(0, 34);

  static final byte[] GET_PING = RawHttp.get("/ping");

  static Undertow undertow(boolean dispatch) {
    HttpHandler hello =
        ex -> {
          ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
          ex.getResponseSender().send(BODY);
        };
    HttpHandler root = dispatch ? ex -> ex.dispatch(hello) : hello;
    Undertow u = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(root)
        .setIoThreads(2).build();
    u.start();
    return u;
  }

  static InetSocketAddress address(Undertow u) {
    return (InetSocketAddress) u.getListenerInfo().get(0).getAddress();
  }

  static HttpFake stubbedFake() {
    HttpFake fake = new HttpFake().start();
    fake.stub("GET", "/ping").respond(Response.json(200, BODY));
    return fake;
  }

  static InetSocketAddress address(HttpFake f) {
    return new InetSocketAddress("127.0.0.1", f.port());
  }

  static void close(RawHttp... clients) {
    for (RawHttp c : clients) {
      c.close();
    }
  }

  static void ok(int status) throws IOException {
    if (status != 200) {
      throw new IOException("status " + status);
    }
  }

  // ------------------------------------------------------------------ HttpFake / Undertow

  @State(Scope.Group)
  public static class FakeUndertow {
    Undertow undertow;
    HttpFake fake;
    RawHttp toUndertow;
    RawHttp toFake;

    @Setup(Level.Trial)
    public void up() {
      undertow = undertow(false);
      fake = stubbedFake();
      toUndertow = new RawHttp(address(undertow), GET_PING);
      toFake = new RawHttp(address(fake), GET_PING);
    }

    @TearDown(Level.Iteration)
    public void clear() {
      fake.journal().clear();
    }

    @TearDown(Level.Trial)
    public void down() {
      close(toUndertow, toFake);
      fake.close();
      undertow.stop();
    }
  }

  @Benchmark
  @Group("fakeVsUndertow")
  @GroupThreads(1)
  public int baselineUndertow(FakeUndertow s) throws IOException {
    return s.toUndertow.call();
  }

  @Benchmark
  @Group("fakeVsUndertow")
  @GroupThreads(1)
  public int contenderHttpFake(FakeUndertow s) throws IOException {
    return s.toFake.call();
  }

  // ------------------------------------------------------------------ dispatch / Undertow

  @State(Scope.Group)
  public static class DispatchUndertow {
    Undertow plain;
    Undertow dispatching;
    RawHttp toPlain;
    RawHttp toDispatching;

    @Setup(Level.Trial)
    public void up() {
      plain = undertow(false);
      dispatching = undertow(true);
      toPlain = new RawHttp(address(plain), GET_PING);
      toDispatching = new RawHttp(address(dispatching), GET_PING);
    }

    @TearDown(Level.Trial)
    public void down() {
      close(toPlain, toDispatching);
      plain.stop();
      dispatching.stop();
    }
  }

  @Benchmark
  @Group("dispatchVsUndertow")
  @GroupThreads(1)
  public int baselineUndertowIo(DispatchUndertow s) throws IOException {
    return s.toPlain.call();
  }

  @Benchmark
  @Group("dispatchVsUndertow")
  @GroupThreads(1)
  public int contenderUndertowWorker(DispatchUndertow s) throws IOException {
    return s.toDispatching.call();
  }

  // ------------------------------------------------------------------ HttpFake / WireMock

  @State(Scope.Group)
  public static class FakeWireMock {
    WireMockServer wireMock;
    HttpFake fake;
    RawHttp toWireMock;
    RawHttp toFake;

    @Setup(Level.Trial)
    public void up() {
      wireMock = new WireMockServer(WireMockConfiguration.options()
          .dynamicPort().bindAddress("127.0.0.1").disableRequestJournal());
      wireMock.start();
      wireMock.stubFor(get(urlEqualTo("/ping")).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json").withBody(BODY)));
      fake = stubbedFake();
      toWireMock = new RawHttp(new InetSocketAddress("127.0.0.1", wireMock.port()), GET_PING);
      toFake = new RawHttp(address(fake), GET_PING);
    }

    @TearDown(Level.Iteration)
    public void clear() {
      fake.journal().clear();
    }

    @TearDown(Level.Trial)
    public void down() {
      close(toWireMock, toFake);
      fake.close();
      wireMock.stop();
    }
  }

  @Benchmark
  @Group("fakeVsWireMock")
  @GroupThreads(1)
  public int baselineWireMock(FakeWireMock s) throws IOException {
    return s.toWireMock.call();
  }

  @Benchmark
  @Group("fakeVsWireMock")
  @GroupThreads(1)
  public int contenderHttpFakeVsWm(FakeWireMock s) throws IOException {
    return s.toFake.call();
  }

  // ------------------------------------------------------------------ link / direct

  @State(Scope.Group)
  public static class LinkDirect {
    HttpFake fake;
    NetworkLink link;
    RawHttp direct;
    RawHttp viaLink;

    @Setup(Level.Trial)
    public void up() {
      fake = stubbedFake();
      link = NetworkLink.to(address(fake));
      direct = new RawHttp(address(fake), GET_PING);
      viaLink = new RawHttp(link.address(), GET_PING);
    }

    @TearDown(Level.Iteration)
    public void clear() {
      fake.journal().clear();
    }

    @TearDown(Level.Trial)
    public void down() {
      close(direct, viaLink);
      link.close();
      fake.close();
    }
  }

  @Benchmark
  @Group("linkVsDirect")
  @GroupThreads(1)
  public int baselineDirect(LinkDirect s) throws IOException {
    return s.direct.call();
  }

  @Benchmark
  @Group("linkVsDirect")
  @GroupThreads(1)
  public int contenderViaLink(LinkDirect s) throws IOException {
    return s.viaLink.call();
  }

  /** One client thread's own connections, for the groups with several threads per contender. */
  @State(Scope.Thread)
  public static class Client {
    RawHttp direct;
    RawHttp viaLink;

    @TearDown(Level.Trial)
    public void down() {
      for (RawHttp c : new RawHttp[] {direct, viaLink}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  @Benchmark
  @Group("linkVsDirectMany")
  @GroupThreads(4)
  public int baselineDirectMany(LinkDirect s, Client c) throws IOException {
    if (c.direct == null) {
      c.direct = new RawHttp(address(s.fake), GET_PING);
    }
    return c.direct.call();
  }

  @Benchmark
  @Group("linkVsDirectMany")
  @GroupThreads(4)
  public int contenderViaLinkMany(LinkDirect s, Client c) throws IOException {
    if (c.viaLink == null) {
      c.viaLink = new RawHttp(s.link.address(), GET_PING);
    }
    return c.viaLink.call();
  }

  // ------------------------------------------------------------------ OpenAI chat / stub POST

  static final String CHAT =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
  static final byte[] CHAT_POST = RawHttp.post("/v1/chat/completions", "application/json", CHAT,
      "Authorization: Bearer sk-bench");

  /**
   * The OpenAI fake's own answer to {@link #CHAT}, captured once: status, body and headers (but
   * Date), for a stub to send the same bytes. The comparison then measures the fakes' work, not
   * a difference in what goes over the wire or what the client parses.
   */
  static Response capturedChatReply(OpenAiFake openAi) {
    try {
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(openAi.baseUri() + "/v1/chat/completions"))
              .header("Content-Type", "application/json").header("Authorization", "Bearer sk-bench")
              .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      Response stub = Response.bytes(r.statusCode(), r.body(),
          r.headers().firstValue("Content-Type").orElse("application/json"));
      for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
        if (h.getKey().startsWith("x-litellm")) {
          stub = stub.addHeader(h.getKey(), h.getValue().get(0));
        }
      }
      openAi.journal().clear();
      return stub;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not capture the OpenAI fake's reply", e);
    }
  }

  @State(Scope.Group)
  public static class OpenAiStub {
    OpenAiFake openAi;
    HttpFake stub;
    RawHttp toOpenAi;
    RawHttp toStub;

    @Setup(Level.Trial)
    public void up() {
      openAi = OpenAiFake.builder().start();
      stub = new HttpFake().start();
      stub.stub("POST", "/v1/chat/completions").respond(capturedChatReply(openAi));
      toOpenAi = new RawHttp(new InetSocketAddress("127.0.0.1", openAi.port()), CHAT_POST);
      toStub = new RawHttp(address(stub), CHAT_POST);
    }

    @TearDown(Level.Iteration)
    public void clear() {
      openAi.journal().clear();
      stub.journal().clear();
    }

    @TearDown(Level.Trial)
    public void down() {
      close(toOpenAi, toStub);
      openAi.close();
      stub.close();
    }
  }

  @Benchmark
  @Group("openAiVsStub")
  @GroupThreads(1)
  public int baselineStubPost(OpenAiStub s) throws IOException {
    return s.toStub.call();
  }

  @Benchmark
  @Group("openAiVsStub")
  @GroupThreads(1)
  public int contenderOpenAiChat(OpenAiStub s) throws IOException {
    return s.toOpenAi.call();
  }
}
