package dev.backlot.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.wire.Json;
import dev.backlot.gcs.GcsFake;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.redis.RedisFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A bounded mixed load on four fakes at once: object uploads and downloads on GCS, chat calls on
 * the OpenAI fake, prompts on ComfyUI, queue pushes and pops on Redis, from four client threads.
 * It is bounded in count (not time) and stops by itself; it asserts that nothing was lost: every
 * object is stored with its bytes, every prompt is in ComfyUI's queue or history, and every queue
 * item was popped exactly once. No timing is asserted.
 */
class MixedLoadTest {

  private static final long SEED = 20261204L;
  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 150;

  private static final String PROMPT = """
      {"prompt": {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"batch_size": 1, "height": 64, "width": 64}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "load %d"}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "bad"}},
        "3": {"class_type": "KSampler", "inputs": {"cfg": 8, "denoise": 1, "latent_image": ["5", 0],
              "model": ["4", 0], "negative": ["7", 0], "positive": ["6", 0], "sampler_name": "euler",
              "scheduler": "normal", "seed": %d, "steps": 2}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "load", "images": ["8", 0]}}
      }}""";

  @Test
  void nothingIsLostUnderAMixedBoundedLoad() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    try (GcsFake gcs = GcsFake.builder().bucket("load").start();
        OpenAiFake llm = OpenAiFake.builder().start();
        ComfyUiFake comfy = ComfyUiFake.builder().start();
        RedisFake redis = RedisFake.builder().start()) {
      Set<String> objects = ConcurrentHashMap.newKeySet();
      Set<String> prompts = ConcurrentHashMap.newKeySet();
      Set<String> pushed = ConcurrentHashMap.newKeySet();
      List<String> popped = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicInteger errors = new AtomicInteger();
      List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          Random random = new Random(SEED + thread);
          try (Jedis jedis = new Jedis(redis.redisUri(), 30_000)) {
            for (int i = 0; i < OPS_PER_THREAD; i++) {
              String id = thread + "-" + i;
              try {
                switch (random.nextInt(5)) {
                  case 0 -> {
                    byte[] data = ("object " + id).getBytes(StandardCharsets.UTF_8);
                    var r = http.send(HttpRequest.newBuilder(URI.create(gcs.baseUri()
                            + "/upload/storage/v1/b/load/o?uploadType=media&name=o" + id))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                        HttpResponse.BodyHandlers.ofString());
                    check(r.statusCode() == 200, "upload " + r.statusCode());
                    objects.add("o" + id);
                  }
                  case 1 -> {
                    var r = http.send(HttpRequest.newBuilder(URI.create(llm.baseUri() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer sk-x")
                        .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + id + "\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                    check(r.statusCode() == 200, "chat " + r.statusCode() + " " + r.body());
                  }
                  case 2 -> {
                    var r = http.send(HttpRequest.newBuilder(URI.create(comfy.baseUri() + "/prompt"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PROMPT.formatted(i, random.nextInt(1000))))
                        .build(), HttpResponse.BodyHandlers.ofString());
                    check(r.statusCode() == 200, "prompt " + r.statusCode() + " " + r.body());
                    prompts.add(Json.parse(r.body()).get("prompt_id").asText());
                  }
                  case 3 -> {
                    jedis.lpush("load:queue", id);
                    pushed.add(id);
                  }
                  default -> {
                    String item = jedis.rpop("load:queue");
                    if (item != null) {
                      popped.add(item);
                    }
                  }
                }
              } catch (Exception | AssertionError e) {
                errors.incrementAndGet();
                if (errorSamples.size() < 5) {
                  errorSamples.add(id + ": " + e);
                }
              }
            }
            String rest;
            while ((rest = jedis.rpop("load:queue")) != null) {
              popped.add(rest);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES); // a hang guard, not a timing assertion
      }
      pool.shutdown();

      assertThat(errors.get()).as("errors: %s", errorSamples).isZero();
      for (String name : objects) {
        assertThat(gcs.object("load", name).bytes())
            .isEqualTo(("object " + name.substring(1)).getBytes(StandardCharsets.UTF_8));
      }
      assertThat(gcs.objects("load")).hasSize(objects.size());
      assertThat(new HashSet<>(popped)).as("every item popped once").hasSize(popped.size()).isEqualTo(pushed);

      Set<String> seen = new HashSet<>();
      JsonNode queue = Json.parse(http.send(HttpRequest.newBuilder(URI.create(comfy.baseUri() + "/queue")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      for (String list : List.of("queue_running", "queue_pending")) {
        queue.get(list).forEach(item -> seen.add(item.get(1).asText()));
      }
      JsonNode history = Json.parse(http.send(HttpRequest.newBuilder(URI.create(comfy.baseUri() + "/history")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      history.fieldNames().forEachRemaining(seen::add);
      assertThat(seen).as("every prompt is queued, running or done").containsAll(prompts);
      assertThat(prompts.size() + objects.size() + pushed.size()).isGreaterThan(THREADS * OPS_PER_THREAD / 2);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
