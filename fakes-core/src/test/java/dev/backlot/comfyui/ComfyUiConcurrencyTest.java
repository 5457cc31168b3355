package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.comfyui.WsClient.Frame;
import dev.backlot.jobs.JobState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * 50 clients at once on the system clock, each with its own WebSocket, queueing prompts with two
 * workers: every prompt reaches a terminal state, each client hears only about its own prompts,
 * history is complete and the job engine records no violation. Bounded: 150 prompts, a minute.
 */
class ComfyUiConcurrencyTest {

  static final int CLIENTS = 50;
  static final int PROMPTS_EACH = 3;

  @Test
  void fiftyClientsQueueingAtOnce() throws Exception {
    try (ComfyUiFake comfy = ComfyUiFake.builder().workers(2).jobDuration(Duration.ofMillis(5)).start()) {
      // a third of the prompts fail, so terminal states are mixed
      comfy.jobs().script().matching(QueuedPrompt.class, p -> p.promptId().endsWith("-1"))
          .fail("CUDA out of memory");
      Http http = new Http(comfy.baseUri());
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      CountDownLatch connected = new CountDownLatch(CLIENTS);
      Map<String, List<Frame>> received = new ConcurrentHashMap<>();
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          String clientId = "client-" + c;
          futures.add(pool.submit((Callable<Void>) () -> {
            WsClient ws = WsClient.connect(comfy.wsUri(), clientId);
            try {
              connected.countDown();
              connected.await(30, TimeUnit.SECONDS); // everyone queues at the same moment
              List<String> mine = new ArrayList<>();
              for (int i = 0; i < PROMPTS_EACH; i++) {
                String promptId = clientId + "-" + i;
                mine.add(promptId);
                http.queueOk(Workflows.small(Math.floorMod(clientId.hashCode(), 100_000) * 31L + i, 2), clientId, promptId);
              }
              List<Frame> frames = new ArrayList<>();
              Set<String> done = new HashSet<>();
              while (done.size() < mine.size()) {
                Frame f = ws.next();
                frames.add(f);
                if (f.json() != null && "executing".equals(f.type()) && f.data().get("node").isNull()) {
                  done.add(f.data().get("prompt_id").asText());
                }
              }
              received.put(clientId, frames);
              JsonNode image = http.getJson("/history/" + mine.get(0))
                  .at("/" + mine.get(0) + "/outputs/9/images/0");
              HttpResponse<byte[]> png = http.get("/view?filename=" + image.get("filename").asText());
              BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
              assertThat(img.getWidth()).isEqualTo(64);
            } finally {
              ws.closeBlocking();
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      int total = CLIENTS * PROMPTS_EACH;
      assertThat(comfy.jobs().submittedCount()).isEqualTo(total);
      assertThat(comfy.jobs().count(JobState.SUCCEEDED)).isEqualTo(total - CLIENTS);
      assertThat(comfy.jobs().count(JobState.FAILED)).isEqualTo(CLIENTS);
      comfy.jobs().assertHealthy();
      assertThat(comfy.historySize()).isEqualTo(total);
      JsonNode history = new Http(comfy.baseUri()).getJson("/history");
      int errors = 0;
      for (JsonNode h : history) {
        if ("error".equals(h.at("/status/status_str").asText())) {
          errors++;
        }
      }
      assertThat(errors).isEqualTo(CLIENTS);
      // every client heard only about its own prompts
      received.forEach((clientId, frames) -> {
        for (Frame f : frames) {
          if (f.json() != null && f.data().has("prompt_id")) {
            assertThat(f.data().get("prompt_id").asText()).startsWith(clientId + "-");
          }
        }
        assertThat(WsClient.types(frames)).contains("execution_error", "execution_success");
      });
      assertThat(received).hasSize(CLIENTS);
      assertThat(comfy.jobs().maxRunning()).isEqualTo(2);
    }
  }
}
