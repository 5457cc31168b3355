package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.cablecast.Schema.Field;
import dev.backlot.cablecast.Schema.Kind;
import dev.backlot.cablecast.Schema.Type;
import dev.backlot.time.Clock;
import dev.backlot.engine.Ids;
import dev.backlot.wire.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored library: one table of records per resource, keyed by integer id. Every change keeps
 * the two sides of each link in step (a reel's {@code show} and that show's {@code reels}), keeps
 * a show's {@code totalRunTime} the sum of its reels and stamps its {@code lastModified}; deleting
 * a record deletes what cannot live without it (a show's reels, VODs and schedule items) and
 * clears optional links to it. One lock guards it all; readers get copies.
 */
final class Library {

  /** A record that a delete removed. */
  record Removed(Kind kind, long id) {}

  private final Ids ids;
  private final Clock clock;
  private final Dates dates;
  private final Map<Kind, TreeMap<Long, ObjectNode>> tables = new HashMap<>();
  private Instant pinned;

  /** Every stored record, copied; restored by {@link #restore}. */
  record Snapshot(Instant key, Map<Kind, List<ObjectNode>> rows) {}

  Library(Ids ids, Clock clock, Dates dates) {
    this.ids = ids;
    this.clock = clock;
    this.dates = dates;
    for (Kind k : Schema.ALL) {
      tables.put(k, new TreeMap<>());
    }
  }

  Dates dates() {
    return dates;
  }

  synchronized void clear() {
    tables.values().forEach(Map::clear);
  }

  /** Stamps changes with {@code t} instead of the clock's time (null: the clock again). */
  synchronized void pin(Instant t) {
    pinned = t;
  }

  /** The time changes are stamped with. */
  synchronized Instant now() {
    return pinned != null ? pinned : clock.instant();
  }

  /** A copy of every record, under {@code key}. */
  synchronized Snapshot snapshot(Instant key) {
    Map<Kind, List<ObjectNode>> rows = new HashMap<>();
    tables.forEach((k, t) -> rows.put(k, all(k)));
    return new Snapshot(key, rows);
  }

  /**
   * Replaces an empty library with a snapshot's records, and draws the ids they used from the
   * id source as inserting them did (ids are counters: record n of a kind has id n).
   */
  synchronized void restore(Snapshot s) {
    clear();
    s.rows().forEach((k, rows) -> {
      for (ObjectNode r : rows) {
        tables.get(k).put(r.get("id").asLong(), r.deepCopy());
        ids.next(k.type());
      }
    });
  }

  synchronized boolean isEmpty() {
    for (TreeMap<Long, ObjectNode> t : tables.values()) {
      if (!t.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Whether a record of {@code kind} has this id. */
  synchronized boolean exists(Kind kind, long id) {
    return tables.get(kind).containsKey(id);
  }

  /** A copy of the record, or null. */
  synchronized ObjectNode get(Kind kind, long id) {
    ObjectNode r = tables.get(kind).get(id);
    return r == null ? null : r.deepCopy();
  }

  /** Copies of every record of {@code kind}, by id. */
  synchronized List<ObjectNode> all(Kind kind) {
    List<ObjectNode> out = new ArrayList<>(tables.get(kind).size());
    for (ObjectNode r : tables.get(kind).values()) {
      out.add(r.deepCopy());
    }
    return out;
  }

  synchronized int count(Kind kind) {
    return tables.get(kind).size();
  }

  /**
   * Stores a new record with the next id of its kind ({@code ids().next(type)}). {@code values}
   * must already be valid: every REF names an existing record.
   */
  synchronized long insert(Kind kind, ObjectNode values) {
    long id = ids.next(kind.type());
    ObjectNode r = Json.object();
    r.put("id", id);
    for (Field f : kind.fields().values()) {
      JsonNode v = values.get(f.name());
      switch (f.type()) {
        case REFS, OBJECTS -> r.set(f.name(), v != null && v.isArray() ? v.deepCopy() : Json.array());
        case BOOL -> r.put(f.name(), v != null && v.asBoolean(false));
        default -> r.set(f.name(), v == null ? r.nullNode() : v.deepCopy());
      }
    }
    tables.get(kind).put(id, r);
    for (Field f : kind.fields().values()) {
      if (f.type() == Type.REF && f.inverse() != null && !r.get(f.name()).isNull()) {
        link(f, r.get(f.name()).asLong(), id, true);
      }
    }
    touched(kind, r);
    return id;
  }

  /** Applies {@code changes} (valid fields only) to a stored record; false if there is none. */
  synchronized boolean update(Kind kind, long id, ObjectNode changes) {
    ObjectNode r = tables.get(kind).get(id);
    if (r == null) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : changes.properties()) {
      Field f = kind.field(e.getKey());
      JsonNode before = r.get(f.name());
      JsonNode after = e.getValue().deepCopy();
      if (f.type() == Type.REF && f.inverse() != null && !before.equals(after)) {
        if (!before.isNull()) {
          link(f, before.asLong(), id, false);
        }
        if (!after.isNull()) {
          link(f, after.asLong(), id, true);
        }
      }
      r.set(f.name(), after);
      if (kind == Schema.REEL && "show".equals(f.name()) && !before.isNull()) {
        recomputeRunTime(before.asLong());
      }
    }
    touched(kind, r);
    return true;
  }

  /** Deletes a record and what depends on it; returns every record removed (empty if none). */
  synchronized List<Removed> delete(Kind kind, long id) {
    List<Removed> out = new ArrayList<>();
    remove(kind, id, out);
    return out;
  }

  private void remove(Kind kind, long id, List<Removed> out) {
    ObjectNode r = tables.get(kind).remove(id);
    if (r == null) {
      return;
    }
    out.add(new Removed(kind, id));
    for (Field f : kind.fields().values()) {
      if (f.type() == Type.REF && f.inverse() != null && !r.get(f.name()).isNull()) {
        link(f, r.get(f.name()).asLong(), id, false);
      }
    }
    // Records that point at this one: required links die with it, optional ones are cleared.
    for (Kind other : Schema.ALL) {
      for (Field f : other.fields().values()) {
        if (!kind.type().equals(f.ref())) {
          continue;
        }
        for (ObjectNode o : new ArrayList<>(tables.get(other).values())) {
          long oid = o.get("id").asLong();
          if (!tables.get(other).containsKey(oid)) {
            continue;
          }
          if (f.type() == Type.REF && o.get(f.name()).asLong(-1) == id && !o.get(f.name()).isNull()) {
            if (f.required()) {
              remove(other, oid, out);
            } else {
              o.putNull(f.name());
            }
          } else if (f.type() == Type.REFS && f.inverse() == null) {
            removeFrom((ArrayNode) o.get(f.name()), id);
          }
        }
      }
    }
    if (kind == Schema.REEL && !r.get("show").isNull()) {
      recomputeRunTime(r.get("show").asLong());
    }
  }

  private void link(Field f, long targetId, long id, boolean add) {
    Kind target = kindOf(f.ref());
    ObjectNode t = tables.get(target).get(targetId);
    if (t == null) {
      return;
    }
    ArrayNode list = (ArrayNode) t.get(f.inverse());
    removeFrom(list, id);
    if (add) {
      list.add(id);
    }
    if (target == Schema.SHOW && "reels".equals(f.inverse())) {
      recomputeRunTime(targetId);
    }
  }

  private void touched(Kind kind, ObjectNode r) {
    if (kind == Schema.SHOW) {
      r.put("lastModified", dates.format(now()));
      recomputeRunTime(r.get("id").asLong());
    } else if (kind == Schema.REEL && !r.get("show").isNull()) {
      recomputeRunTime(r.get("show").asLong());
    }
  }

  private void recomputeRunTime(long showId) {
    ObjectNode show = tables.get(Schema.SHOW).get(showId);
    if (show == null) {
      return;
    }
    long total = 0;
    for (JsonNode reelId : show.get("reels")) {
      ObjectNode reel = tables.get(Schema.REEL).get(reelId.asLong());
      if (reel != null) {
        total += reel.path("length").asLong(0);
      }
    }
    show.put("totalRunTime", total);
  }

  private static void removeFrom(ArrayNode list, long id) {
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).asLong() == id) {
        list.remove(i);
      }
    }
  }

  static Kind kindOf(String type) {
    for (Kind k : Schema.ALL) {
      if (k.type().equals(type)) {
        return k;
      }
    }
    throw new IllegalArgumentException("no resource " + type);
  }
}
