package dev.backlot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.net.ServerSocket;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FakeSetTest {

  @Test
  void ifOneFakeCannotStartEveryFakeIsClosedAndTheFailureThrown() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      HttpFake ok = new HttpFake();
      HttpFake clash = HttpFake.builder().port(taken.getLocalPort()).build();
      FakeSet set = FakeSet.of(ok, clash);

      assertThatThrownBy(set::start).hasMessageContaining("could not bind");

      assertThat(ok.isRunning()).isFalse();
      assertThatThrownBy(ok::start).as("closed, not just stopped").isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void getFindsAFakeByTypeAndResetResetsAll() {
    try (FakeSet set = FakeSet.of(new HttpFake()).start()) {
      HttpFake http = set.get(HttpFake.class);
      http.stub("GET", "/x").respond(Response.status(204));
      set.reset();
      assertThat(http.stubs()).isEmpty();
      assertThat(set.endpoints()).containsEntry("http", http.baseUri().toString());
      assertThatThrownBy(() -> set.get(UnknownFake.class))
          .hasMessageContaining("no UnknownFake in [http]");
    }
  }

  /** A fake type the set does not hold. */
  abstract static class UnknownFake implements Fake {}
}
