package dev.backlot.examples.archive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * The archive's own VOD records, kept in Redis: a hash {@code archive:vod:<id>} per VOD and the
 * list {@code archive:vods} of ids in creation order. A VOD is created in one {@code
 * MULTI}/{@code EXEC} (hash and list together), so a reader never finds an id without its record.
 */
public final class VodCatalog {

  /** The statuses a VOD can have; anything else is refused before a byte is written. */
  public static final Set<String> STATUSES =
      Set.of("pending", "processing", "transcribed", "linked", "failed");

  /** One archived VOD. */
  public record Vod(long id, Map<String, String> fields) {
    public String title() {
      return fields.get("title");
    }

    public String status() {
      return fields.get("status");
    }

    public long showId() {
      return Long.parseLong(fields.getOrDefault("show", "0"));
    }

    public String get(String field) {
      return fields.get(field);
    }
  }

  static final String IDS = "archive:vods";
  private static final String NEXT = "archive:vod:next";

  private final RedisAccess redis;

  VodCatalog(RedisAccess redis) {
    this.redis = redis;
  }

  static String key(long id) {
    return "archive:vod:" + id;
  }

  /** Stores a new VOD (status {@code pending}) and returns it. */
  public Vod create(String title, long showId, String vodUrl)
      throws ArchiveException, InterruptedException {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("title", title);
    f.put("show", Long.toString(showId));
    f.put("url", vodUrl == null ? "" : vodUrl);
    f.put("status", "pending");
    f.put("created", Instant.now().toString());
    long id = redis.call("create vod", j -> {
      long n = j.incr(NEXT);
      Transaction tx = j.multi();
      tx.hset(key(n), f);
      tx.rpush(IDS, Long.toString(n));
      tx.exec();
      return n;
    });
    return new Vod(id, f);
  }

  /** One VOD, if it exists. */
  public Optional<Vod> get(long id) throws ArchiveException, InterruptedException {
    Map<String, String> f = redis.call("read vod " + id, j -> j.hgetAll(key(id)));
    return f.isEmpty() ? Optional.empty() : Optional.of(new Vod(id, f));
  }

  /** Every VOD, oldest first (one round trip for the ids, one pipelined for the records). */
  public List<Vod> list() throws ArchiveException, InterruptedException {
    return redis.call("list vods", j -> {
      List<String> ids = j.lrange(IDS, 0, -1);
      Pipeline p = j.pipelined();
      List<Response<Map<String, String>>> rs = new ArrayList<>();
      for (String id : ids) {
        rs.add(p.hgetAll(key(Long.parseLong(id))));
      }
      p.sync();
      List<Vod> out = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        out.add(new Vod(Long.parseLong(ids.get(i)), rs.get(i).get()));
      }
      return out;
    });
  }

  /** How many VODs there are. */
  public long count() throws ArchiveException, InterruptedException {
    return redis.call("count vods", j -> j.llen(IDS));
  }

  /**
   * Sets a VOD's status (and other fields with it).
   *
   * @throws IllegalArgumentException for a status outside {@link #STATUSES}: nothing is written
   */
  public void update(long id, String status, Map<String, String> more)
      throws ArchiveException, InterruptedException {
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException("no VOD status '" + status + "'; known: " + STATUSES);
    }
    Map<String, String> f = new LinkedHashMap<>(more);
    f.put("status", status);
    boolean found = redis.call("update vod " + id, j -> {
      if (!j.exists(key(id))) {
        return false;
      }
      j.hset(key(id), f);
      return true;
    });
    if (!found) {
      throw new ArchiveException("redis", "no VOD " + id, null);
    }
  }
}
