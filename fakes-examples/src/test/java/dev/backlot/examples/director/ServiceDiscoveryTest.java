package dev.backlot.examples.director;

import static dev.backlot.journal.RequestPattern.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.examples.director.ServiceDiscovery.Discovery;
import dev.backlot.gradio.GradioFake;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeConfig;
import dev.backlot.net.Direction;
import dev.backlot.openai.OpenAiFake;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Seed 001, "service discovery": all found, custom ports, timeouts handled, in parallel. */
@BacklotTest
class ServiceDiscoveryTest {

  @FakeConfig(link = true) ComfyUiFake comfy;
  @FakeConfig(link = true) OpenAiFake llm;
  @FakeConfig(link = true) GradioFake wan;

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ServiceDiscovery discovery(Duration timeout) {
    return new ServiceDiscovery(HTTP, DirectorConfig.local(comfy.port(), llm.port(), wan.port()).endpoints(), timeout);
  }

  @Test
  void findsEveryConfiguredBackendAtItsHealthRoute() {
    Map<String, Discovery> found = discovery(Duration.ofSeconds(30)).discoverAll();

    assertThat(found.values()).allMatch(Discovery::discovered);
    assertThat(found.get("comfyui").endpoint()).isEqualTo(comfy.baseUri());
    assertThat(found.get("litellm").endpoint()).isEqualTo(llm.baseUri());
    assertThat(found.get("wan2gp").endpoint()).isEqualTo(wan.baseUri());
    comfy.journal().verify(1, get("/system_stats"));
    llm.journal().verify(1, get("/health/liveliness"));
    wan.journal().verify(1, get("/config"));
  }

  @Test
  void findsComfyUiOnACustomPortWhenTheUsualOneRefuses() {
    int usual = Ports.refused();
    ServiceEndpoint configured = ServiceEndpoint.of("comfyui", "127.0.0.1", usual, "/system_stats")
        .orPorts(comfy.port());

    Discovery d = new ServiceDiscovery(HTTP, List.of(configured), Duration.ofSeconds(30)).discover(configured).join();

    assertThat(d.discovered()).isTrue();
    assertThat(d.endpoint()).isEqualTo(comfy.baseUri());
    assertThat(d.tried()).containsExactly(usual + ":refused", comfy.port() + ":ok");
  }

  @Test
  void backendsThatNeverAnswerAreReportedAsTimeouts() {
    for (var link : List.of(comfy.link(), llm.link(), wan.link())) {
      // Accepts, then silence for good. (A toxic that hangs up by itself, 600 ms after the
      // accept, could beat the probes' 300 ms timeout on a stalled machine: "closed", not
      // "timeout".)
      link.toxics().timeout(Direction.UPSTREAM, Duration.ZERO);
    }

    Map<String, Discovery> found = discovery(Duration.ofMillis(300)).discoverAll();

    assertThat(found.values()).noneMatch(Discovery::discovered);
    assertThat(found.values()).extracting(Discovery::error).containsOnly("timeout");
    assertThat(comfy.journal().size() + llm.journal().size() + wan.journal().size()).isZero();
    // Drop the held connections (and the requests they hold), so none reaches a fake when the
    // next test's reset clears the toxics.
    for (var link : List.of(comfy.link(), llm.link(), wan.link())) {
      link.down();
      link.up();
    }
    await().atMost(Duration.ofSeconds(20)).until(() ->
        comfy.link().stats().connectionsOpen() + llm.link().stats().connectionsOpen() + wan.link().stats().connectionsOpen() == 0);
  }

  @Test
  void probesAllBackendsAtTheSameTime() {
    for (var link : List.of(comfy.link(), llm.link(), wan.link())) {
      link.toxics().timeout(Direction.DOWNSTREAM, Duration.ZERO); // answers are held back
    }
    CompletableFuture<Map<String, Discovery>> running =
        CompletableFuture.supplyAsync(() -> discovery(Duration.ofSeconds(30)).discoverAll());

    // every backend got its probe while no answer had come back: the probes ran side by side
    await().atMost(Duration.ofSeconds(20)).until(() ->
        comfy.journal().count(get("/system_stats")) == 1 && llm.journal().count(get("/health/liveliness")) == 1
            && wan.journal().count(get("/config")) == 1);
    assertThat(running).isNotDone();
    List.of(comfy.link(), llm.link(), wan.link()).forEach(l -> l.toxics().clear());

    assertThat(running.join().values()).allMatch(Discovery::discovered);
  }
}
