package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.cablecast.Schema.Field;
import dev.backlot.cablecast.Schema.Kind;
import dev.backlot.cablecast.Schema.Type;
import dev.backlot.wire.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A list request's query string, checked, and what it selects: {@code ids[]=} (or {@code ids=}),
 * {@code search=}, a filter per link field ({@code show=}, {@code channel=}, {@code location=}...),
 * for schedule items {@code start=}, {@code end=} (both inclusive, on {@code runDateTime}) and
 * {@code include_cg_exempt=false}, then {@code page_size} ({@code -1} for all) and {@code offset}.
 * Any malformed value is a 400 with ASP.NET's model-state shape, before anything is read.
 *
 * <p>{@code offset} counts pages, not rows: row {@code offset * page_size} comes first. That is
 * how Tightrope's own public site pages ({@code offset: page - 1}); with {@code page_size=1} the
 * two readings agree.
 */
final class Queries {

  /** The page size when a request gives none. */
  static final int DEFAULT_PAGE_SIZE = 50;

  /** A checked list query. */
  record ListQuery(Set<Long> ids, String search, Map<Field, Long> links, Instant start, Instant end,
      boolean includeCgExempt, int pageSize, int offset, List<String> include) {}

  /** The selected page and the numbers {@code meta} reports. */
  record Page(List<ObjectNode> records, int count, int pageSize, int offset) {}

  private Queries() {}

  /** Parses and checks the query of a list request on {@code kind}. */
  static ListQuery parse(Kind kind, Request req, Dates dates) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    Set<Long> ids = null;
    List<String> idValues = new ArrayList<>(req.queryAll("ids[]"));
    idValues.addAll(req.queryAll("ids"));
    if (!idValues.isEmpty()) {
      ids = new LinkedHashSet<>();
      for (String v : idValues) {
        for (String one : v.split(",")) {
          Long id = parseLong(one);
          if (id == null) {
            add(errors, "ids", "The value '" + one + "' is not valid for ids.");
          } else {
            ids.add(id);
          }
        }
      }
    }
    Map<Field, Long> links = new LinkedHashMap<>();
    for (Field f : kind.fields().values()) {
      if (f.type() == Type.REF && req.hasQuery(f.name())) {
        String v = req.query(f.name());
        Long id = parseLong(v);
        if (id == null) {
          add(errors, f.name(), "The value '" + v + "' is not valid for " + f.name() + ".");
        } else {
          links.put(f, id);
        }
      }
    }
    Instant start = null;
    Instant end = null;
    boolean includeCgExempt = true;
    if (kind == Schema.SCHEDULE_ITEM) {
      start = instant(req, "start", dates, errors);
      end = instant(req, "end", dates, errors);
      String cg = req.query("include_cg_exempt");
      if (cg != null) {
        if (cg.equalsIgnoreCase("true") || cg.equalsIgnoreCase("false")) {
          includeCgExempt = Boolean.parseBoolean(cg.toLowerCase(Locale.ROOT));
        } else {
          add(errors, "include_cg_exempt", "The value '" + cg + "' is not valid for include_cg_exempt.");
        }
      }
    }
    int pageSize = DEFAULT_PAGE_SIZE;
    String ps = req.query("page_size");
    if (ps != null) {
      Long v = parseLong(ps);
      if (v == null || v > Integer.MAX_VALUE) {
        add(errors, "page_size", "The value '" + ps + "' is not valid for page_size.");
      } else if (v == 0 || v < -1) {
        add(errors, "page_size", "page_size must be -1 (all) or a positive number, not " + v + ".");
      } else {
        pageSize = v.intValue();
      }
    }
    int offset = 0;
    String off = req.query("offset");
    if (off != null) {
      Long v = parseLong(off);
      if (v == null || v > Integer.MAX_VALUE) {
        add(errors, "offset", "The value '" + off + "' is not valid for offset.");
      } else if (v < 0) {
        add(errors, "offset", "offset must not be negative, not " + v + ".");
      } else {
        offset = v.intValue();
      }
    }
    if (!errors.isEmpty()) {
      throw Errors.invalid(errors);
    }
    List<String> include = new ArrayList<>();
    for (String v : req.queryAll("include")) {
      for (String name : v.split(",")) {
        if (!name.isBlank()) {
          include.add(name.trim());
        }
      }
    }
    String search = req.query("search");
    return new ListQuery(ids, search == null || search.isBlank() ? null : search.trim(), links,
        start, end, includeCgExempt, pageSize, offset, include);
  }

  /** Filters, orders and pages the records of {@code kind}. */
  static Page select(Kind kind, List<ObjectNode> all, ListQuery q, Dates dates) {
    List<ObjectNode> hits = new ArrayList<>();
    String needle = q.search() == null ? null : q.search().toLowerCase(Locale.ROOT);
    for (ObjectNode r : all) {
      if (q.ids() != null && !q.ids().contains(r.get("id").asLong())) {
        continue;
      }
      if (!linksMatch(r, q.links())) {
        continue;
      }
      // search= on a resource with nothing to search (reels, schedule items) is ignored
      if (needle != null && !kind.search().isEmpty() && !matches(kind, r, needle)) {
        continue;
      }
      if (kind == Schema.SCHEDULE_ITEM) {
        Instant at = dates.parse(r.path("runDateTime").asText(null));
        if (q.start() != null && (at == null || at.isBefore(q.start()))) {
          continue;
        }
        if (q.end() != null && (at == null || at.isAfter(q.end()))) {
          continue;
        }
        if (!q.includeCgExempt() && r.path("cgExempt").asBoolean(false)) {
          continue;
        }
      }
      hits.add(r);
    }
    hits.sort(order(kind, dates));
    int count = hits.size();
    if (q.pageSize() == -1) {
      return new Page(hits, count, count, 0);
    }
    long from = (long) q.offset() * q.pageSize();
    List<ObjectNode> page = from >= count
        ? List.of()
        : hits.subList((int) from, (int) Math.min(count, from + q.pageSize()));
    return new Page(page, count, q.pageSize(), q.offset());
  }

  /** The default order: by id; schedule items by {@code runDateTime}, then id. */
  static Comparator<ObjectNode> order(Kind kind, Dates dates) {
    Comparator<ObjectNode> byId = Comparator.comparingLong(r -> r.get("id").asLong());
    if (kind != Schema.SCHEDULE_ITEM) {
      return byId;
    }
    return Comparator.<ObjectNode, Instant>comparing(
            r -> {
              Instant t = dates.parse(r.path("runDateTime").asText(null));
              return t == null ? Instant.MIN : t;
            })
        .thenComparing(byId);
  }

  private static boolean linksMatch(ObjectNode r, Map<Field, Long> links) {
    for (Map.Entry<Field, Long> e : links.entrySet()) {
      JsonNode v = r.get(e.getKey().name());
      if (v == null || v.isNull() || v.asLong() != e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Kind kind, ObjectNode r, String needle) {
    for (String f : kind.search()) {
      String v = r.path(f).asText("");
      if (v.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static Instant instant(Request req, String name, Dates dates, Map<String, List<String>> errors) {
    String v = req.query(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    Instant t = dates.parse(v);
    if (t == null) {
      add(errors, name, "The value '" + v + "' is not valid for " + name + ".");
    }
    return t;
  }

  static Long parseLong(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (t.isEmpty() || t.length() > 19) {
      return null;
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void add(Map<String, List<String>> errors, String key, String message) {
    errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
  }
}
