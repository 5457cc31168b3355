package dev.backlot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.time.Clock;
import dev.backlot.engine.FakeServer;
import dev.backlot.engine.Handler;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.engine.StubConfig;
import dev.backlot.journal.Entry;
import java.time.Duration;
import java.util.Map;

/**
 * The launcher's control API, on its own port, so tests in any language have the control Java
 * tests have:
 *
 * <pre>
 * GET    /fakes                      name -> base URL of every fake
 * POST   /fakes/{name}/reset         back to the initial state, journal empty
 * GET    /fakes/{name}/journal       the journal as JSON (?limit=N: the newest N)
 * POST   /fakes/{name}/stubs         add a stub: {"method","path","status","json"|"body",...}
 * DELETE /fakes/{name}/stubs         remove every stub added so far
 * GET    /fakes/{name}/faults        the seed and each rule with how often it matched and fired
 * POST   /fakes/{name}/faults        add a rule (see {@link dev.backlot.fault.FaultConfig})
 * DELETE /fakes/{name}/faults        clear every rule
 * POST   /clock/advance              {"millis": N}: move the shared manual clock
 * GET    /                           the dashboard page (see {@link Dashboard} for its routes)
 * </pre>
 *
 * <p>Every route passes {@link AdminGuard} first: loopback Host and Origin only, JSON bodies
 * only, and the launcher's {@code --admin-token} when one is set.
 */
final class AdminServer extends FakeServer<AdminServer> {

  private final Map<String, Fake> fakes;
  private final AdminGuard guard;

  AdminServer(Builder b) {
    super("admin", b);
    this.fakes = b.fakes;
    this.guard = new AdminGuard(b.token);
  }

  static final class Builder extends FakeServer.Builder<Builder, AdminServer> {
    private Map<String, Fake> fakes = Map.of();
    private String token;

    Builder fakes(Map<String, Fake> fakes) {
      this.fakes = fakes;
      return this;
    }

    /** Requires {@code Authorization: Bearer token} on every admin request (null: none). */
    Builder token(String token) {
      this.token = token;
      return this;
    }

    @Override
    public AdminServer build() {
      return new AdminServer(this);
    }
  }

  /** Every admin route passes the {@link AdminGuard} first (read at request time: routes are
   * declared from the super constructor, before {@code guard} is set). */
  private Handler guarded(Handler h) {
    return req -> {
      guard.check(req);
      return h.handle(req);
    };
  }

  @Override
  protected void routes(Routes r) {
    r.get("/fakes", guarded(req -> {
          ObjectNode out = Json.object();
          fakes.forEach((name, f) -> out.put(name, f.baseUri().toString()));
          return Response.json(200, out);
        }))
        .post("/fakes/{name}/reset", guarded(req -> {
          fake(req).reset();
          return Response.status(204);
        }))
        .get("/fakes/{name}/journal", guarded(this::journal))
        .post("/fakes/{name}/stubs", guarded(req -> {
          JsonNode body = req.json();
          try {
            StubConfig.apply(server(req), body);
          } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
          }
          return Response.status(201);
        }))
        .delete("/fakes/{name}/stubs", guarded(req -> {
          server(req).stubs().forEach(s -> s.remove());
          return Response.status(204);
        }))
        .get("/fakes/{name}/faults", guarded(req -> {
          var plan = fake(req).faults();
          ObjectNode out = Json.object();
          out.put("seed", plan.seed());
          ArrayNode rules = out.putArray("rules");
          for (var rule : plan.rules()) {
            rules.addObject().put("rule", rule.toString()).put("matched", rule.matched()).put("fired", rule.fired());
          }
          return Response.json(200, out);
        }))
        .post("/fakes/{name}/faults", guarded(req -> {
          JsonNode body = req.json();
          try {
            var rule = dev.backlot.fault.FaultConfig.apply(fake(req).faults(), body);
            return Response.json(201, Map.of("rule", rule.toString()));
          } catch (IllegalArgumentException | IllegalStateException e) {
            throw HttpError.badRequest(e.getMessage());
          }
        }))
        .delete("/fakes/{name}/faults", guarded(req -> {
          fake(req).faults().clear();
          return Response.status(204);
        }))
        .post("/clock/advance", guarded(this::advance));
    new Dashboard(() -> fakes, () -> guard).routes(r); // GET / and the page's own routes
  }

  private Fake fake(Request req) {
    Fake f = fakes.get(req.pathParam("name"));
    if (f == null) {
      throw HttpError.notFound("no fake named '" + req.pathParam("name") + "'; running: " + fakes.keySet());
    }
    return f;
  }

  /** Stubs are an HTTP fake's; Redis has none. */
  private FakeServer<?> server(Request req) {
    if (fake(req) instanceof FakeServer<?> s) {
      return s;
    }
    throw HttpError.badRequest("'" + req.pathParam("name") + "' is not an HTTP fake: it takes no stubs");
  }

  private Response journal(Request req) {
    Fake f = fake(req);
    int limit = req.queryInt("limit", Integer.MAX_VALUE);
    if (limit < 0) {
      throw HttpError.badRequest("'limit' must be 0 or more, not " + limit);
    }
    var entries = f.journal().entries();
    ArrayNode out = Json.array();
    for (Entry e : entries.subList(Math.max(0, entries.size() - limit), entries.size())) {
      out.add(toJson(e));
    }
    return Response.json(200, out);
  }

  static ObjectNode toJson(Entry e) {
    ObjectNode o = Json.object();
    o.put("id", e.id());
    o.put("kind", e.kind().name());
    o.put("time", e.time().toString());
    o.put("method", e.method());
    o.put("path", e.path());
    o.put("query", e.query());
    o.put("status", e.status());
    if (e.latency() != null) {
      o.put("latencyMillis", e.latency().toMillis());
    }
    o.put("body", e.bodyIsText() ? e.bodyText() : e.bodyPreview()); // binary bodies as type, size, md5
    o.put("bodySize", e.bodySize());
    if (e.responseBody() != null) {
      o.put("responseBody", e.responseBody());
    }
    if (e.fault() != null) {
      o.put("fault", e.fault());
    }
    if (e.outcome() != null) {
      o.put("outcome", e.outcome());
    }
    return o;
  }

  private Response advance(Request req) {
    Clock clock = fakes.values().stream().findFirst().map(Fake::clock).orElse(Clock.system());
    if (!(clock instanceof ManualClock manual)) {
      throw new HttpError(409, "the fakes run on the system clock; start the launcher with \"clock\": \"manual\" in its config");
    }
    JsonNode body = req.body().length == 0 ? Json.object() : req.json();
    long millis = body.path("millis").asLong(req.queryLong("millis") == null ? -1 : req.queryLong("millis"));
    if (millis < 0) {
      throw HttpError.badRequest("give {\"millis\": N} with N >= 0");
    }
    manual.advance(Duration.ofMillis(millis));
    return Response.json(200, Map.of("now", manual.instant().toString()));
  }
}
