package dev.backlot.veo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Seeded loops over Veo's parameter space, checked against an oracle written from the documented
 * rules, and many clients at once.
 */
class VeoParamsPropertyTest {

  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
  static final List<String> MODELS = List.of("veo-2.0-generate-001", "veo-3.0-generate-001",
      "veo-3.0-fast-generate-001", "veo-3.1-generate-preview", "veo-3.1-fast-generate-001");
  static final List<String> ASPECTS = List.of("16:9", "9:16", "1:1", "4:3", "");
  static final List<String> RESOLUTIONS = List.of("720p", "1080p", "4k", "480p");

  record Expect(boolean ok, int width, int height, int duration, int samples) {}

  /** The documented rules, independently of the fake's code. */
  static Expect oracle(String model, String aspect, Integer duration, String resolution, Integer samples) {
    boolean veo2 = model.startsWith("veo-2");
    boolean veo31 = model.startsWith("veo-3.1");
    String a = aspect == null ? "16:9" : aspect;
    String r = resolution == null ? "720p" : resolution;
    int d = duration == null ? 8 : duration;
    int n = samples == null ? 1 : samples;
    boolean ok = (a.equals("16:9") || a.equals("9:16"))
        && (veo2 ? d >= 5 && d <= 8 : d == 4 || d == 6 || d == 8)
        && (r.equals("720p") || (!veo2 && r.equals("1080p")) || (veo31 && r.equals("4k")))
        && (r.equals("720p") || d == 8)
        && n >= 1 && n <= 4;
    int shortSide = r.equals("4k") ? 2160 : r.equals("1080p") ? 1080 : 720;
    int longSide = r.equals("4k") ? 3840 : r.equals("1080p") ? 1920 : 1280;
    boolean landscape = a.equals("16:9");
    return new Expect(ok, landscape ? longSide : shortSide, landscape ? shortSide : longSide, d, n);
  }

  static HttpResponse<String> post(VeoFake veo, String model, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(veo.baseUri().toString().replaceAll("/$", "")
            + "/v1beta/models/" + model + ":predictLongRunning"))
        .header("x-goog-api-key", "k").timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFakeAcceptsExactlyWhatTheDocumentedRulesAllowWithTheGeometryTheyImply() throws Exception {
    ManualClock clock = Clock.manual();
    Random random = new Random(20261204L);
    int accepted = 0;
    try (VeoFake veo = VeoFake.builder().clock(clock).start()) {
      for (int i = 0; i < 300; i++) {
        String model = MODELS.get(random.nextInt(MODELS.size()));
        String aspect = random.nextInt(4) == 0 ? null : ASPECTS.get(random.nextInt(ASPECTS.size()));
        Integer duration = random.nextInt(4) == 0 ? null : random.nextInt(11);
        String resolution = random.nextInt(3) == 0 ? null : RESOLUTIONS.get(random.nextInt(RESOLUTIONS.size()));
        Integer samples = random.nextInt(3) == 0 ? null : random.nextInt(6);
        ObjectNode params = Json.object();
        if (aspect != null) {
          params.put("aspectRatio", aspect);
        }
        if (duration != null) {
          params.put("durationSeconds", duration);
        }
        if (resolution != null) {
          params.put("resolution", resolution);
        }
        if (samples != null) {
          params.put("sampleCount", samples);
        }
        ObjectNode body = Json.object();
        body.set("instances", Json.array().add(Json.object().put("prompt", "case " + i)));
        body.set("parameters", params);

        Expect e = oracle(model, aspect, duration, resolution, samples);
        long before = veo.jobs().submittedCount();
        HttpResponse<String> r = post(veo, model, Json.write(body));
        String what = "#" + i + " " + model + " " + params + " -> " + r.body();
        if (!e.ok()) {
          assertThat(r.statusCode()).as(what).isEqualTo(400);
          assertThat(Json.parse(r.body()).at("/error/status").asText()).as(what).isEqualTo("INVALID_ARGUMENT");
          assertThat(veo.jobs().submittedCount()).as(what).isEqualTo(before);
          continue;
        }
        accepted++;
        assertThat(r.statusCode()).as(what).isEqualTo(200);
        String name = Json.parse(r.body()).path("name").asText();
        VeoRequest in = veo.jobs().job(name).orElseThrow().input(VeoRequest.class);
        assertThat(List.of(in.width(), in.height(), in.durationSeconds(), in.sampleCount(), in.frames()))
            .as(what).containsExactly(e.width(), e.height(), e.duration(), e.samples(), e.duration() * 24);
      }
    }
    assertThat(accepted).as("the loop covers both outcomes").isBetween(20, 280);
  }

  @Test
  void manyClientsAtOnceGetDistinctOperationsThatAllFinish() throws Exception {
    ManualClock clock = Clock.manual();
    try (VeoFake veo = VeoFake.builder().clock(clock).maxRunning(4).start()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
          String body = "{\"instances\":[{\"prompt\":\"p" + i + "\"}],\"parameters\":{\"durationSeconds\":4}}";
          replies.add(pool.submit(() -> post(veo, "veo-3.0-fast-generate-001", body)));
        }
        Set<String> names = new HashSet<>();
        for (Future<HttpResponse<String>> f : replies) {
          HttpResponse<String> r = f.get();
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          names.add(Json.parse(r.body()).path("name").asText());
        }
        assertThat(names).hasSize(24);
      } finally {
        pool.shutdownNow();
      }
      clock.advance(VeoFake.DEFAULT_DURATION);
      assertThat(veo.jobs().count(JobState.SUCCEEDED)).as("four run at once").isEqualTo(4);
      for (int i = 0; i < 5; i++) {
        clock.advance(VeoFake.DEFAULT_DURATION);
      }
      assertThat(veo.jobs().count(JobState.SUCCEEDED)).isEqualTo(24);
      for (Job j : veo.jobs().jobs()) {
        JsonNode op = veo.operation(j.id()).orElseThrow();
        assertThat(op.at("/response/generateVideoResponse/generatedSamples")).hasSize(1);
      }
      assertThat(veo.files()).hasSize(24).doesNotHaveDuplicates();
      veo.jobs().assertHealthy();
    }
  }
}
