package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.examples.archive.VodCatalog.Vod;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sample application: a broadcast archive that transcribes a station's VODs and links the
 * transcripts to their Cablecast shows.
 *
 * <ol>
 *   <li>{@link #archive}: reads a show and its watchable VOD from Cablecast, stores an archive
 *       record in Redis ({@link VodCatalog});
 *   <li>{@link #transcribe}: sends a Celery task {@code archivist.tasks.transcribe_vod(vod_id,
 *       url, title)} through Redis ({@link CeleryQueue}); a Celery worker (Python in production)
 *       downloads the VOD and returns its captions;
 *   <li>{@link #finish}: waits for the task's result, summarises the captions, and links the
 *       transcript to the show ({@code PUT /shows/{id}} with Basic auth); if Cablecast refuses,
 *       the transcript is kept and {@link #relink} tries again later without a new task;
 * </ol>
 *
 * and tells WebSocket clients about every step ({@link LiveUpdates}). Plain client code: {@code
 * java.net.http}, Jedis, Jackson, Undertow; the tests run it unchanged against Backlot's fakes.
 */
public final class Archivist implements AutoCloseable {

  /** The Celery task the archive sends. */
  public static final String TRANSCRIBE = "archivist.tasks.transcribe_vod";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArchiveConfig config;
  private final RedisAccess redis;
  private final CablecastClient cablecast;
  private final VodCatalog catalog;
  private final CeleryQueue celery;
  private final LiveUpdates live;

  public Archivist(ArchiveConfig config, LiveUpdates live) {
    this(config, live, CeleryQueue.randomIds());
  }

  /** With the Celery task ids from {@code taskIds} (for repeatable runs). */
  public Archivist(ArchiveConfig config, LiveUpdates live, Supplier<String> taskIds) {
    this.config = config;
    this.redis = new RedisAccess(config.redis(), config.redisPatience(), 32);
    this.cablecast = new CablecastClient(config);
    this.catalog = new VodCatalog(redis);
    this.celery = new CeleryQueue(redis, "celery", taskIds);
    this.live = live;
  }

  public VodCatalog catalog() {
    return catalog;
  }

  public CeleryQueue celery() {
    return celery;
  }

  public CablecastClient cablecast() {
    return cablecast;
  }

  /** The whole workflow for one show: archive, transcribe, wait, link. */
  public Vod process(long showId) throws ArchiveException, InterruptedException {
    Vod vod = archive(showId);
    transcribe(vod.id());
    return finish(vod.id());
  }

  /** Reads the show from Cablecast and stores an archive record for its first watchable VOD. */
  public Vod archive(long showId) throws ArchiveException, InterruptedException {
    JsonNode doc = cablecast.show(showId);
    List<JsonNode> vods = CablecastClient.watchableVods(doc);
    if (vods.isEmpty()) {
      throw new ArchiveException("cablecast", "show " + showId + " has no watchable VOD", null);
    }
    Vod vod = catalog.create(doc.path("show").path("title").asText(), showId,
        vods.get(0).path("url").asText());
    live.publish(LiveUpdates.event("vod.created").put("vod", vod.id()).put("show", showId)
        .put("title", vod.title()));
    return vod;
  }

  /** Sends the transcription task; the VOD becomes {@code processing}. Returns the task id. */
  public String transcribe(long vodId) throws ArchiveException, InterruptedException {
    Vod vod = require(vodId);
    String task = celery.send(TRANSCRIBE, List.of(vodId, vod.get("url"), vod.title()), Map.of());
    catalog.update(vodId, "processing", Map.of("task", task));
    live.publish(LiveUpdates.event("transcription.queued").put("vod", vodId).put("task", task));
    return task;
  }

  /**
   * Waits for the VOD's task, stores the summary ({@code transcribed}) and links it to the show
   * ({@code linked}). A failed task makes the VOD {@code failed}; a Cablecast that refuses the
   * link leaves it {@code transcribed}, with the error, for {@link #relink}.
   */
  public Vod finish(long vodId) throws ArchiveException, InterruptedException {
    Vod vod = require(vodId);
    String task = vod.get("task");
    CeleryQueue.TaskResult r = celery.await(task, config.transcriptionTimeout(), (id, state) ->
        live.publish(LiveUpdates.event("transcription.state").put("vod", vodId).put("task", id)
            .put("state", state)));
    if (!r.state().equals("SUCCESS")) {
      String why = r.result() == null ? r.state()
          : r.result().path("exc_type").asText() + ": " + r.result().path("exc_message").asText();
      catalog.update(vodId, "failed", Map.of("error", why));
      live.publish(LiveUpdates.event("transcription.failed").put("vod", vodId).put("error", why));
      throw new ArchiveException("transcription", "task " + task + " ended " + r.state() + ": " + why, null);
    }
    String summary = TranscriptSummary.of(r.result(), 12);
    catalog.update(vodId, "transcribed", Map.of("summary", summary,
        "captions", r.result().path("scc_path").asText("")));
    live.publish(LiveUpdates.event("transcription.completed").put("vod", vodId).put("summary", summary));
    return link(vodId);
  }

  /** Links a transcribed VOD's summary to its show again (after Cablecast was down or refused). */
  public Vod relink(long vodId) throws ArchiveException, InterruptedException {
    Vod vod = require(vodId);
    if (!"transcribed".equals(vod.status()) && !"linked".equals(vod.status())) {
      throw new ArchiveException("link", "VOD " + vodId + " is " + vod.status() + ", not transcribed", null);
    }
    return link(vodId);
  }

  private Vod link(long vodId) throws ArchiveException, InterruptedException {
    Vod vod = require(vodId);
    ObjectNode fields = JSON.createObjectNode()
        .put("comments", "Transcript [archive vod " + vodId + ", task " + vod.get("task") + "]: "
            + vod.get("summary"));
    try {
      cablecast.updateShow(vod.showId(), fields);
    } catch (ArchiveException e) {
      catalog.update(vodId, "transcribed", Map.of("error", e.getMessage()));
      live.publish(LiveUpdates.event("show.link_failed").put("vod", vodId).put("show", vod.showId())
          .put("status", e.status()));
      throw new ArchiveException("link", e.status(), e.getMessage(), e);
    }
    catalog.update(vodId, "linked", Map.of("error", ""));
    live.publish(LiveUpdates.event("show.linked").put("vod", vodId).put("show", vod.showId()));
    return require(vodId);
  }

  /**
   * {@code healthy} when Redis answers a PING and Cablecast a read, {@code degraded} when only
   * one does, {@code unhealthy} when neither does. Never throws, never waits for recovery.
   */
  public String health() throws InterruptedException {
    boolean r = redis.ping();
    boolean c;
    try {
      new CablecastClient(config.withHttp(config.httpTimeout(), 1)).countShows();
      c = true;
    } catch (ArchiveException e) {
      c = false;
    }
    return r && c ? "healthy" : r || c ? "degraded" : "unhealthy";
  }

  /** Times the archive failed to reach Redis (each failed try counts). */
  public long redisConnectionFailures() {
    return redis.connectionFailures();
  }

  private Vod require(long vodId) throws ArchiveException, InterruptedException {
    return catalog.get(vodId).orElseThrow(() -> new ArchiveException("redis", "no VOD " + vodId, null));
  }

  @Override
  public void close() {
    redis.close();
  }
}
