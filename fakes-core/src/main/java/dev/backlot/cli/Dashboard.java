package dev.backlot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.time.Clock;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.wire.SseStream;
import dev.backlot.fault.Rule;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard on the launcher's admin port: {@code GET /} serves a page (plain HTML, CSS and
 * JS from this jar, no CDN) showing every fake, a live timeline of their journals, fault rules,
 * jobs and the manual clock. Its routes, besides the {@link AdminServer} ones it also calls:
 *
 * <pre>
 * GET  /                                  the page (and /dashboard/app.js, /dashboard/app.css)
 * GET  /events                            text/event-stream: "state" (fakes, rules, clock) on change,
 *                                         "entries" (new and completed journal entries, all fakes),
 *                                         "reset" (a fake's journal was emptied)
 * GET  /state                             the same state as JSON
 * GET  /fakes/{name}/journal/{id}         one entry in detail: headers, bodies summarised
 * GET  /fakes/{name}/jobs                 the newest jobs with their state history
 * POST /fakes/{name}/faults/{index}/enabled  {"enabled": false}: switch a rule off (or on)
 * POST /fakes/{name}/stop | /start        crash the fake / serve again on the same port
 * POST /reset                             reset every fake
 * </pre>
 *
 * <p>The event stream polls the journals every 200 ms (only while a page is connected): a
 * journal's {@code total()} and last entry tell in O(1) whether anything changed, so an idle tick
 * costs nothing. Every route passes the admin guard; the static files skip only the token (a
 * browser's navigation cannot send it; the page asks for it and sends it on every call).
 */
final class Dashboard {

  static final String RESOURCES = "/dev/backlot/cli/dashboard/";
  private static final Duration TICK = Duration.ofMillis(200);
  private static final int CHUNK = 1000;
  private static final int MAX_PENDING = 1000;
  private static final long HEARTBEAT_TICKS = 50;

  private final Supplier<Map<String, Fake>> fakes;
  private final Supplier<AdminGuard> guard;

  private final Object lock = new Object();
  private final List<SseStream> clients = new ArrayList<>();
  private final Map<String, Cursor> cursors = new LinkedHashMap<>();
  private boolean ticking;
  private long ticks;
  private String lastState;

  /** Where the stream stands in one fake's journal. */
  private static final class Cursor {
    long id;
    Entry last;
    // entries sent before their response was known: sent again once it is
    final ArrayDeque<Entry> pending = new ArrayDeque<>();
  }

  /** @param guard read at request time (the admin server sets it after declaring its routes) */
  Dashboard(Supplier<Map<String, Fake>> fakes, Supplier<AdminGuard> guard) {
    this.fakes = fakes;
    this.guard = guard;
  }

  void routes(Routes r) {
    r.get("/", req -> asset(req, "index.html", "text/html; charset=utf-8"))
        .get("/dashboard/app.js", req -> asset(req, "app.js", "text/javascript; charset=utf-8"))
        .get("/dashboard/app.css", req -> asset(req, "app.css", "text/css; charset=utf-8"))
        .get("/events", req -> {
          guard.get().check(req);
          return Response.sse(this::connect);
        })
        .get("/state", req -> {
          guard.get().check(req);
          return Response.json(200, state());
        })
        .get("/fakes/{name}/journal/{id}", req -> {
          guard.get().check(req);
          long id;
          try {
            id = Long.parseLong(req.pathParam("id"));
          } catch (NumberFormatException e) {
            throw HttpError.badRequest("entry id must be a number, not '" + req.pathParam("id") + "'");
          }
          String name = req.pathParam("name");
          for (Entry e : fake(name).journal().entries()) {
            if (e.id() == id) {
              return Response.json(200, DashboardJson.detail(name, e));
            }
          }
          throw HttpError.notFound("no entry #" + id + " in the journal of '" + name + "' (reset, or dropped as old)");
        })
        .get("/fakes/{name}/jobs", req -> {
          guard.get().check(req);
          var engine = DashboardJson.jobsOf(fake(req.pathParam("name")));
          if (engine.isEmpty()) {
            throw HttpError.notFound("'" + req.pathParam("name") + "' runs no jobs");
          }
          return Response.json(200, DashboardJson.jobs(engine.get()));
        })
        .post("/fakes/{name}/faults/{index}/enabled", req -> {
          guard.get().check(req);
          JsonNode body = req.body().length == 0 ? Json.object() : req.json();
          if (!body.path("enabled").isBoolean()) {
            throw HttpError.badRequest("give {\"enabled\": true} or {\"enabled\": false}");
          }
          List<Rule<?>> rules = fake(req.pathParam("name")).faults().rules();
          int index;
          try {
            index = Integer.parseInt(req.pathParam("index"));
          } catch (NumberFormatException e) {
            index = -1;
          }
          if (index < 0 || index >= rules.size()) {
            throw HttpError.notFound("no fault rule " + req.pathParam("index") + " (the fake has "
                + rules.size() + ", numbered from 0)");
          }
          Rule<?> rule = rules.get(index).enabled(body.get("enabled").asBoolean());
          return Response.json(200, Map.of("rule", rule.toString(), "enabled", rule.isEnabled()));
        })
        .post("/fakes/{name}/stop", req -> {
          guard.get().check(req);
          fake(req.pathParam("name")).stop();
          return Response.status(204);
        })
        .post("/fakes/{name}/start", req -> {
          guard.get().check(req);
          Fake f = fake(req.pathParam("name"));
          if (!f.isRunning()) {
            f.restart();
          }
          return Response.status(204);
        })
        .post("/reset", req -> {
          guard.get().check(req);
          fakes.get().values().forEach(Fake::reset);
          return Response.status(204);
        });
  }

  private Fake fake(String name) {
    Fake f = fakes.get().get(name);
    if (f == null) {
      throw HttpError.notFound("no fake named '" + name + "'; running: " + fakes.get().keySet());
    }
    return f;
  }

  private Response asset(Request req, String file, String type) {
    guard.get().checkWithoutToken(req);
    return Response.bytes(200, resource(file), type)
        .addHeader("Cache-Control", "no-store")
        .addHeader("X-Content-Type-Options", "nosniff")
        .addHeader("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
  }

  /** A file of the page, from this jar. */
  static byte[] resource(String file) {
    try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("dashboard resource missing from the jar: " + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fakes, their rules and link, and the clock. */
  ObjectNode state() {
    ObjectNode o = Json.object();
    Map<String, Fake> all = fakes.get();
    o.set("fakes", DashboardJson.fakes(all));
    Clock clock = all.values().stream().findFirst().map(Fake::clock).orElse(Clock.system());
    ObjectNode c = o.putObject("clock");
    c.put("manual", clock.isManual());
    c.put("now", clock.millis());
    return o;
  }

  // ---------------------------------------------------------------- the event stream

  private void connect(SseStream s) {
    synchronized (lock) {
      tickLocked(); // bring the cursors up to date for the pages already connected
      String st = Json.write(state());
      lastState = st;
      s.send("state", st);
      List<ObjectNode> snapshot = new ArrayList<>();
      fakes.get().forEach((name, f) -> {
        Cursor c = cursors.get(name);
        for (Entry e : f.journal().entries()) {
          if (c == null || e.id() > c.id) {
            break;
          }
          snapshot.add(DashboardJson.entry(name, e));
        }
      });
      sendEntries(List.of(s), snapshot);
      s.send("ready", "{}");
      clients.add(s);
      s.onClose(() -> {
        synchronized (lock) {
          clients.remove(s);
        }
      });
      if (!ticking) {
        ticking = true;
        Clock.system().schedule(TICK, this::tick);
      }
    }
  }

  private void tick() {
    synchronized (lock) {
      clients.removeIf(s -> !s.isOpen());
      if (clients.isEmpty()) {
        ticking = false;
        return;
      }
      try {
        tickLocked();
        String st = Json.write(state());
        if (!st.equals(lastState)) {
          lastState = st;
          clients.forEach(s -> s.send("state", st));
        }
        if (++ticks % HEARTBEAT_TICKS == 0) {
          clients.forEach(s -> s.sendRaw(": keep-alive\n\n")); // finds clients that went away
        }
      } catch (RuntimeException e) {
        // one bad tick (a fake closing under us) must not stop the stream
      }
    }
    Clock.system().schedule(TICK, this::tick);
  }

  /** Sends every entry recorded or completed since the last tick to every connected page. */
  private void tickLocked() {
    List<ObjectNode> batch = new ArrayList<>();
    fakes.get().forEach((name, f) -> {
      Cursor c = cursors.computeIfAbsent(name, n -> new Cursor());
      Journal j = f.journal();
      for (Iterator<Entry> it = c.pending.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.completed()) {
          batch.add(DashboardJson.entry(name, e));
          it.remove();
        }
      }
      Entry newest = j.last().orElse(null);
      if (newest == c.last && j.total() == c.id) {
        return; // nothing new: the common case costs two synchronized reads
      }
      List<Entry> entries = j.entries();
      if (isReset(c, j.total(), entries)) {
        c.id = 0;
        c.last = null;
        c.pending.clear();
        batch.removeIf(o -> o.get("fake").asText().equals(name));
        ObjectNode reset = Json.object().put("fake", name);
        clients.forEach(s -> s.send("reset", Json.write(reset)));
      }
      for (Entry e : entries) {
        if (e.id() <= c.id) {
          continue;
        }
        batch.add(DashboardJson.entry(name, e));
        if (!e.completed()) {
          if (c.pending.size() == MAX_PENDING) {
            c.pending.removeFirst();
          }
          c.pending.addLast(e);
        }
        c.id = e.id();
        c.last = e;
      }
    });
    sendEntries(clients, batch);
  }

  /** Whether the journal was cleared (reset) since the cursor's last entry was sent. */
  private static boolean isReset(Cursor c, long total, List<Entry> entries) {
    if (c.id == 0) {
      return false;
    }
    if (total < c.id || entries.isEmpty()) {
      return true;
    }
    long index = c.id - entries.get(0).id();
    // index < 0: the cursor's entry was dropped as old (capacity), not reset
    return index >= 0 && entries.get((int) index) != c.last;
  }

  private static void sendEntries(List<SseStream> to, List<ObjectNode> batch) {
    if (batch.isEmpty() || to.isEmpty()) {
      return;
    }
    batch.sort(Comparator.comparingLong(o -> o.get("ts").asLong())); // stable: journal order kept
    for (int from = 0; from < batch.size(); from += CHUNK) {
      ArrayNode chunk = Json.array();
      chunk.addAll(batch.subList(from, Math.min(batch.size(), from + CHUNK)));
      String data = Json.write(chunk);
      to.forEach(s -> s.send("entries", data));
    }
  }
}
