package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.Fake;
import dev.backlot.FakeBuilder;
import dev.backlot.http.HttpFake;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import dev.backlot.redis.RedisFake;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The contract every fake shares through {@link AbstractFake}, HTTP and Redis alike. */
class LifecycleContractTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private int get(Fake f, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(f.baseUri() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void anHttpFakeResetWhileStoppedRunsItsSetupAtTheNextStart() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (HttpFake fake = HttpFake.builder()
        .setup(f -> {
          runs.incrementAndGet();
          f.stub("GET", "/health").respond(Response.text(200, "ok"));
        }).start()) {
      assertThat(runs).hasValue(1);
      fake.reset();
      assertThat(runs).hasValue(2); // running: at once

      fake.stop();
      fake.reset();
      assertThat(runs).hasValue(2); // stopped: not yet
      assertThat(fake.stubs()).isEmpty();
      fake.start();
      assertThat(runs).hasValue(3);
      assertThat(get(fake, "/health")).isEqualTo(200);

      fake.restart();
      assertThat(runs).hasValue(3); // a restart alone keeps the state, setup does not run
    }
  }

  @Test
  void aRedisFakeResetWhileStoppedRunsItsSetupAtTheNextStart() {
    AtomicInteger runs = new AtomicInteger();
    try (RedisFake redis = RedisFake.builder()
        .setup(r -> {
          runs.incrementAndGet();
          r.call("SET", "flag", "on");
        }).start()) {
      assertThat(runs).hasValue(1);
      redis.call("SET", "flag", "off");
      redis.reset();
      assertThat(runs).hasValue(2);
      assertThat(redis.call("GET", "flag")).isEqualTo("on");

      redis.stop();
      redis.reset();
      assertThat(runs).hasValue(2);
      redis.start();
      assertThat(runs).hasValue(3);
      assertThat(redis.call("GET", "flag")).isEqualTo("on");
    }
  }

  @Test
  void bothHostsShareOneBaseAndOneTypedBuilder() {
    assertThat(AbstractFake.class).isAssignableFrom(FakeServer.class);
    assertThat(AbstractFake.class).isAssignableFrom(RedisFake.class);
    assertThat(FakeBuilder.class).isAssignableFrom(HttpFake.Builder.class);
    assertThat(FakeBuilder.class).isAssignableFrom(RedisFake.Builder.class);
  }

  @Test
  void anHttpFakesLinkHonoursTheSeedAsRedisDoes() {
    try (HttpFake http = HttpFake.builder().seed(99).behindLink().start();
        RedisFake redis = RedisFake.builder().seed(99).behindLink().start()) {
      assertThat(http.link().seed()).isEqualTo(99);
      assertThat(redis.link().seed()).isEqualTo(99);
      assertThat(http.seed()).isEqualTo(99);
    }
  }

  @Test
  void theBaseUriSchemeIsTheProtocols() {
    try (HttpFake http = new HttpFake().start(); RedisFake redis = new RedisFake().start()) {
      assertThat(http.baseUri().getScheme()).isEqualTo("http");
      assertThat(redis.baseUri().getScheme()).isEqualTo("redis");
    }
  }

  @Test
  void aFakesFiltersRunBeforeStubsAndRoutesAndAnswerIsFinal() throws Exception {
    try (Filtered f = new Filtered.Builder().start()) {
      f.stub("GET", "/x").respond(Response.text(200, "stub"));
      assertThat(get(f, "/x")).isEqualTo(200);
      assertThat(get(f, "/blocked")).isEqualTo(451);
      assertThat(get(f, "/nothing")).isEqualTo(404);
      assertThat(f.journal().last().orElseThrow().outcome()).isEqualTo(Entry.NO_ROUTE);
    }
    Method answer = FakeServer.class.getDeclaredMethod("answer", Request.class);
    assertThat(Modifier.isFinal(answer.getModifiers())).isTrue();
  }

  @Test
  void recordedEntriesAreReadOnlyToUsers() {
    for (Class<?> c : List.of(Entry.class, Journal.class)) {
      List<String> writers = Arrays.stream(c.getMethods())
          .filter(m -> m.getDeclaringClass() == c && m.getReturnType() == void.class
              && m.getParameterCount() > 0 && !m.getName().startsWith("verify"))
          .map(Method::getName)
          .toList();
      assertThat(writers).as(c.getSimpleName() + "'s public writers").isEmpty();
    }
    List<String> journalAppenders = Arrays.stream(Journal.class.getMethods())
        .map(Method::getName).filter(n -> n.equals("record")).toList();
    assertThat(journalAppenders).isEmpty();
  }

  /** A fake with a filter of its own (as ComfyUI's origin check). */
  static final class Filtered extends FakeServer<Filtered> {
    Filtered(Builder b) {
      super("filtered", b);
    }

    @Override
    protected void routes(Routes r) {}

    @Override
    protected Handler decorate(Handler next) {
      return req -> req.path().equals("/blocked") ? Response.status(451) : next.handle(req);
    }

    static final class Builder extends FakeServer.Builder<Builder, Filtered> {
      @Override
      public Filtered build() {
        return new Filtered(this);
      }
    }
  }
}
