package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.cablecast.Schema.Field;
import dev.backlot.cablecast.Schema.Kind;
import dev.backlot.cablecast.Schema.Type;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ember-Data REST documents: {@code {"show": {...}}} for one record, {@code {"shows": [...],
 * "meta": {"count", "pageSize", "offset"}}} for a list, and {@code include=} sideloads under
 * plural keys next to the primary records.
 *
 * <p>A sideload holds the records of that kind the primary records link to ({@code
 * include=reel} on shows: their reels), or, for a kind no primary field names, the records that
 * link to the primary records ({@code include=scheduleitem} on shows: their schedule items).
 * Only records that exist are sideloaded. Include names are singular or plural in any case;
 * names Cablecast has but the fake does not model ({@code webfile}, {@code thumbnail}...) give
 * empty lists; other names are ignored.
 */
final class Render {

  private Render() {}

  static ObjectNode one(Library lib, Kind kind, ObjectNode record, List<String> include) {
    ObjectNode doc = Json.object();
    doc.set(kind.type(), record);
    sideload(lib, kind, List.of(record), include, doc);
    return doc;
  }

  static ObjectNode list(Library lib, Kind kind, Queries.Page page, List<String> include) {
    ObjectNode doc = Json.object();
    ArrayNode items = doc.putArray(kind.plural());
    page.records().forEach(items::add);
    sideload(lib, kind, page.records(), include, doc);
    ObjectNode meta = doc.putObject("meta");
    meta.put("count", page.count());
    meta.put("pageSize", page.pageSize());
    meta.put("offset", page.offset());
    return doc;
  }

  private static void sideload(Library lib, Kind kind, List<ObjectNode> primary, List<String> include,
      ObjectNode doc) {
    Map<String, Kind> wanted = new LinkedHashMap<>();
    for (String name : include) {
      Kind k = Schema.byIncludeName(name);
      if (k != null) {
        wanted.putIfAbsent(k.plural(), k);
      } else {
        String empty = Schema.UNMODELLED_INCLUDES.get(name.toLowerCase(java.util.Locale.ROOT));
        if (empty != null && !doc.has(empty)) {
          doc.putArray(empty);
        }
      }
    }
    for (Kind target : wanted.values()) {
      if (target == kind) {
        continue; // the primary records are already there
      }
      ArrayNode out = doc.putArray(target.plural());
      for (ObjectNode r : related(lib, kind, primary, target)) {
        out.add(r);
      }
    }
  }

  /** The records of {@code target} that the primary records link to, or that link to them. */
  static List<ObjectNode> related(Library lib, Kind kind, List<ObjectNode> primary, Kind target) {
    Set<Long> ids = new TreeSet<>();
    boolean forward = false;
    for (Field f : kind.fields().values()) {
      if (!target.type().equals(f.ref())) {
        continue;
      }
      forward = true;
      for (ObjectNode r : primary) {
        JsonNode v = r.get(f.name());
        if (f.type() == Type.REF && v != null && !v.isNull()) {
          ids.add(v.asLong());
        } else if (f.type() == Type.REFS && v != null) {
          v.forEach(x -> ids.add(x.asLong()));
        }
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    if (forward) {
      for (long id : ids) {
        ObjectNode r = lib.get(target, id);
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    }
    Set<Long> primaryIds = new TreeSet<>();
    primary.forEach(r -> primaryIds.add(r.get("id").asLong()));
    for (ObjectNode r : lib.all(target)) {
      for (Field f : target.fields().values()) {
        JsonNode v = r.get(f.name());
        if (f.type() == Type.REF && kind.type().equals(f.ref()) && v != null && !v.isNull()
            && primaryIds.contains(v.asLong())) {
          out.add(r);
          break;
        }
      }
    }
    return out;
  }
}
