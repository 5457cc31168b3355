package dev.backlot.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.wire.Json;
import dev.backlot.fault.Rule;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.StateChange;
import dev.backlot.journal.Entry;
import dev.backlot.net.NetworkLink;
import dev.backlot.net.Toxic;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON the dashboard shows, shared by the live page ({@code GET /} on the launcher's admin
 * port) and the static test report ({@link DashboardReport}): journal entries with their bodies
 * summarised (binary bodies as type and size, long text cut), and each fake's state, fault rules
 * and jobs.
 *
 * <pre>{@code
 * ObjectNode row = DashboardJson.entry("api", fake.journal().last().orElseThrow());
 * ObjectNode card = DashboardJson.fake("api", fake);
 * }</pre>
 */
public final class DashboardJson {

  /** Characters of a body shown in a timeline row. */
  static final int PREVIEW_CHARS = 160;
  /** Characters of a body shown in an entry's detail. */
  static final int DETAIL_CHARS = 4096;
  /** Jobs listed per fake, newest first. */
  static final int MAX_JOBS = 100;

  private DashboardJson() {}

  /** One timeline row: what, when, outcome, and a one-line preview of the request body. */
  public static ObjectNode entry(String fake, Entry e) {
    ObjectNode o = Json.object();
    o.put("fake", fake);
    o.put("id", e.id());
    o.put("kind", e.kind().name());
    o.put("ts", e.time().toEpochMilli());
    o.put("method", e.method());
    o.put("path", e.path());
    if (!e.query().isEmpty()) {
      o.put("query", e.query());
    }
    o.put("status", e.status());
    Duration l = e.latency();
    if (l != null) {
      o.put("latencyMs", Math.round(l.toNanos() / 1e4) / 100.0);
    }
    o.put("bodySize", e.bodySize());
    if (e.bodySize() > 0) {
      o.put("body", oneLine(body(e.body(), e.bodySize(), e.header("Content-Type"), PREVIEW_CHARS)));
    }
    if (e.fault() != null) {
      o.put("fault", e.fault());
    }
    if (e.outcome() != null) {
      o.put("outcome", e.outcome());
    }
    return o;
  }

  /** A row plus the request headers, the body (cut at 4096 characters) and the response body. */
  public static ObjectNode detail(String fake, Entry e) {
    ObjectNode o = entry(fake, e);
    o.put("time", e.time().toString());
    ObjectNode h = o.putObject("headers");
    e.headers().forEach((k, v) -> h.put(k, String.join(", ", v)));
    o.put("body", e.bodySize() == 0 ? "" : body(e.body(), e.bodySize(), e.header("Content-Type"), DETAIL_CHARS));
    String rb = e.responseBody();
    if (rb != null && !rb.isEmpty()) {
      o.put("response", cut(rb, DETAIL_CHARS));
    }
    return o;
  }

  /**
   * A body as text: "(binary image/png, 1234 bytes)" when it is not text, else the text cut at
   * {@code max} characters with the full size noted.
   */
  static String body(byte[] kept, int size, String contentType, int max) {
    String type = contentType == null ? null : contentType.toLowerCase(Locale.ROOT);
    boolean declaredText = type != null && (type.startsWith("text/") || type.contains("json")
        || type.contains("xml") || type.contains("x-www-form-urlencoded") || type.contains("javascript"));
    String text = declaredText ? new String(kept, StandardCharsets.UTF_8) : decodeText(kept);
    if (text == null) {
      return "(binary " + (contentType == null ? "body" : contentType) + ", " + size + " bytes)";
    }
    if (text.length() > max) {
      return text.substring(0, max) + "... (" + size + " bytes)";
    }
    return size > kept.length ? text + "... (" + size + " bytes)" : text;
  }

  /** The bytes as UTF-8 text, or null when they hold NULs, bad UTF-8 or many control bytes. */
  private static String decodeText(byte[] b) {
    int control = 0;
    for (byte x : b) {
      if (x == 0) {
        return null;
      }
      if (x > 0 && x < 32 && x != '\n' && x != '\r' && x != '\t') {
        control++;
      }
    }
    if (control > b.length / 20 + 1) {
      return null;
    }
    // a body capped by the journal may end inside a character: allow up to 3 bytes cut off
    for (int cut = 0; cut <= Math.min(3, b.length); cut++) {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b, 0, b.length - cut)).toString();
      } catch (CharacterCodingException e) {
        // try a byte shorter
      }
    }
    return null;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String oneLine(String s) {
    String t = s.replace('\n', ' ').replace('\r', ' ');
    return t.length() <= PREVIEW_CHARS + 24 ? t : t.substring(0, PREVIEW_CHARS) + "...";
  }

  /**
   * A fake's card: its type, URL, whether it runs, its network link and toxics (when behind
   * one), its clock, its fault rules with how often each matched and fired, and its job counts.
   */
  public static ObjectNode fake(String name, Fake f) {
    ObjectNode o = Json.object();
    o.put("name", name);
    o.put("type", f.name());
    o.put("running", f.isRunning());
    try {
      o.put("url", f.baseUri().toString());
    } catch (IllegalStateException notStarted) {
      o.putNull("url");
    }
    o.put("journalTotal", f.journal().total());
    linkOf(f).ifPresent(link -> {
      ObjectNode l = o.putObject("link");
      l.put("up", link.isUp());
      l.put("partitioned", link.isPartitioned());
      ArrayNode toxics = l.putArray("toxics");
      for (Toxic t : link.toxics().list()) {
        toxics.add(t.toString());
      }
    });
    o.put("clockManual", f.clock().isManual());
    var plan = f.faults();
    ObjectNode faults = o.putObject("faults");
    faults.put("seed", plan.seed());
    ArrayNode rules = faults.putArray("rules");
    List<Rule<?>> all = plan.rules();
    for (int i = 0; i < all.size(); i++) {
      Rule<?> r = all.get(i);
      rules.addObject().put("index", i).put("rule", r.toString()).put("matched", r.matched())
          .put("fired", r.fired()).put("enabled", r.isEnabled());
    }
    jobsOf(f).ifPresent(engine -> {
      ObjectNode counts = o.putObject("jobCounts");
      engine.counts().forEach((state, n) -> counts.put(state.name(), n));
    });
    return o;
  }

  /** The newest 100 jobs of {@code engine}, newest first, each with its history. */
  public static ArrayNode jobs(JobEngine engine) {
    ArrayNode out = Json.array();
    List<Job> all = engine.jobs();
    for (int i = all.size() - 1; i >= 0 && out.size() < MAX_JOBS; i--) {
      Job j = all.get(i);
      ObjectNode o = out.addObject();
      o.put("id", j.id());
      o.put("state", j.state().name());
      o.put("progress", j.progress().toString());
      j.failure().ifPresent(fl -> o.put("failure", fl.message()));
      ArrayNode h = o.putArray("history");
      for (StateChange c : j.history()) {
        h.addObject().put("state", c.state().name()).put("ts", c.at().toEpochMilli());
      }
    }
    return out;
  }

  /** The fake's job engine, when its type has a public {@code jobs()} returning one. */
  public static Optional<JobEngine> jobsOf(Fake f) {
    return call(f, "jobs", JobEngine.class);
  }

  /** The fake's network link, when it was built {@code behindLink()}. */
  static Optional<NetworkLink> linkOf(Fake f) {
    return call(f, "link", NetworkLink.class);
  }

  // jobs() and link() are not on Fake (only some fakes have them): found by name, so fakes added
  // later show up without a change here.
  private static <T> Optional<T> call(Fake f, String name, Class<T> type) {
    try {
      Method m = f.getClass().getMethod(name);
      if (!type.isAssignableFrom(m.getReturnType()) || !m.trySetAccessible()) {
        return Optional.empty();
      }
      return Optional.ofNullable(type.cast(m.invoke(f)));
    } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
      return Optional.empty();
    } catch (InvocationTargetException e) {
      return Optional.empty(); // link() of a fake without one throws IllegalStateException
    }
  }

  /** Name to fake card, for a report or the state event. */
  static ArrayNode fakes(Map<String, ? extends Fake> fakes) {
    ArrayNode out = Json.array();
    fakes.forEach((name, f) -> out.add(fake(name, f)));
    return out;
  }
}
