package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A Celery worker in Java, standing in for the archive's Python worker: it speaks Celery's Redis
 * layout as Celery 5 does, so the fake's Celery job watch checks it like a real one.
 *
 * <ul>
 *   <li>takes kombu messages off the {@code celery} list with {@code BRPOP} (kombu's transport);
 *   <li>stores {@code STARTED} ({@code task_track_started=True}), then {@code SUCCESS}, {@code
 *       FAILURE} or {@code RETRY} at {@code celery-task-meta-<id>} with {@code SETEX} and {@code
 *       PUBLISH} in one {@code MULTI}/{@code EXEC}, as the Redis result backend does;
 *   <li>keeps SUCCESS sticky (the backend reads the stored meta first and drops writes over a
 *       SUCCESS: a late duplicate delivery changes nothing);
 *   <li>on RETRY re-publishes the message with {@code retries + 1} (countdown 0).
 * </ul>
 *
 * The task, {@code archivist.tasks.transcribe_vod(vod_id, url, title)}, downloads the VOD: a 404
 * fails it ({@code VodNotFound}), a 5xx or a cut connection retries it (at most {@code
 * maxRetries} times), else it returns captions. Unlike kombu it acks on receipt (no {@code
 * unacked} hash), so a message taken by a worker that dies is lost.
 */
final class JavaCeleryWorker implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI redis;
  private final int maxRetries;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger messages = new AtomicInteger();
  private final AtomicInteger reconnects = new AtomicInteger();
  private volatile boolean running = true;
  private final Thread thread;
  private volatile Jedis jedis;

  JavaCeleryWorker(URI redis, int maxRetries) {
    this.redis = redis;
    this.maxRetries = maxRetries;
    this.thread = new Thread(this::loop, "java-celery-worker");
    thread.setDaemon(true);
  }

  static JavaCeleryWorker start(URI redis) {
    JavaCeleryWorker w = new JavaCeleryWorker(redis, 2);
    w.thread.start();
    return w;
  }

  /** Messages taken off the queue (deliveries, retries included). */
  int messages() {
    return messages.get();
  }

  /** Times the worker lost Redis and connected again. */
  int reconnects() {
    return reconnects.get();
  }

  private void loop() {
    while (running) {
      try (Jedis j = new Jedis(redis.getHost(), redis.getPort(), 30_000)) {
        jedis = j;
        while (running) {
          List<String> popped = j.brpop(1, "celery");
          if (popped != null && popped.size() == 2) {
            messages.incrementAndGet();
            handle(j, popped.get(1));
          }
        }
      } catch (JedisConnectionException e) {
        if (running) {
          reconnects.incrementAndGet();
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a worker's reconnect pause
        }
      } catch (RuntimeException | IOException e) {
        if (running) {
          e.printStackTrace();
        }
      }
    }
  }

  private void handle(Jedis j, String message) throws IOException {
    ObjectNode m = (ObjectNode) JSON.readTree(message);
    JsonNode headers = m.path("headers");
    String id = headers.path("id").asText();
    int retries = headers.path("retries").asInt();
    ArrayNode body = (ArrayNode) JSON.readTree(Base64.getDecoder().decode(m.path("body").asText()));
    if (!Archivist.TRANSCRIBE.equals(headers.path("task").asText())) {
      return; // Celery logs "Received unregistered task" and discards it
    }
    if (!store(j, id, "STARTED", JSON.createObjectNode().put("pid", 1).put("hostname", "java@archive"))) {
      return;
    }
    JsonNode args = body.get(0);
    long vodId = args.get(0).asLong();
    String url = args.get(1).asText();
    String title = args.get(2).asText();
    HttpResponse<byte[]> video;
    try {
      video = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      retryOrFail(j, m, id, retries, "ConnectionError", e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int s = video.statusCode();
    if (s == 404) {
      store(j, id, "FAILURE", exc("VodNotFound", "no VOD at " + url));
      return;
    }
    if (s >= 500) {
      retryOrFail(j, m, id, retries, "HTTPError", s + " Server Error for url: " + url);
      return;
    }
    byte[] mp4 = video.body();
    boolean isMp4 = mp4.length > 8 && new String(mp4, 4, 4, StandardCharsets.US_ASCII).equals("ftyp");
    if (!isMp4) {
      store(j, id, "FAILURE", exc("UnsupportedMedia", "not an MP4: " + url));
      return;
    }
    ObjectNode result = JSON.createObjectNode().put("vod_id", vodId)
        .put("scc_path", "/archive/captions/vod-" + vodId + ".scc").put("bytes", mp4.length);
    ArrayNode captions = result.putArray("captions");
    captions.addObject().put("start", "00:00:00:00").put("text", "Welcome to " + title + ".");
    captions.addObject().put("start", "00:00:02:00")
        .put("text", "The meeting is called to order at seven o'clock.");
    captions.addObject().put("start", "00:00:05:10").put("text", "First item: the public comment period.");
    store(j, id, "SUCCESS", result);
  }

  private void retryOrFail(Jedis j, ObjectNode m, String id, int retries, String type, String msg) {
    if (retries >= maxRetries) {
      store(j, id, "FAILURE", exc("MaxRetriesExceededError", type + ": " + msg));
      return;
    }
    if (!store(j, id, "RETRY", exc(type, msg))) {
      return;
    }
    ((ObjectNode) m.path("headers")).put("retries", retries + 1);
    j.lpush("celery", m.toString());
  }

  private static ObjectNode exc(String type, String message) {
    return JSON.createObjectNode().put("exc_type", type).put("exc_message", message)
        .put("exc_module", "archivist.tasks");
  }

  /** Celery's {@code _store_result}: never over a SUCCESS; returns whether it stored. */
  private boolean store(Jedis j, String id, String status, JsonNode result) {
    String key = CeleryQueue.metaKey(id);
    String current = j.get(key);
    try {
      if (current != null && "SUCCESS".equals(JSON.readTree(current).path("status").asText())) {
        return false;
      }
    } catch (IOException unreadable) {
      // overwrite it, as Celery would
    }
    ObjectNode meta = JSON.createObjectNode().put("status", status);
    meta.set("result", result);
    if (status.equals("FAILURE") || status.equals("RETRY")) {
      meta.put("traceback", "Traceback (most recent call last):\n  ...\n"
          + result.path("exc_type").asText() + ": " + result.path("exc_message").asText());
    } else {
      meta.putNull("traceback");
    }
    meta.putArray("children");
    if (CeleryQueue.READY.contains(status)) {
      meta.put("date_done", Instant.now().toString());
    } else {
      meta.putNull("date_done");
    }
    meta.put("task_id", id);
    Transaction tx = j.multi();
    tx.setex(key, 86_400, meta.toString());
    tx.publish(key, meta.toString());
    tx.exec();
    return true;
  }

  @Override
  public void close() {
    running = false;
    Jedis j = jedis;
    if (j != null) {
      j.disconnect(); // unblocks a BRPOP at once instead of waiting out its 1 s
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
