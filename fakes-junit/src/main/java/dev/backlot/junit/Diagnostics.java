package dev.backlot.junit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.fault.FaultPlan;
import dev.backlot.wire.Json;
import dev.backlot.journal.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Failure reports, strict-mode checks and JSON traffic reports, from the fakes' journals. */
final class Diagnostics {

  private Diagnostics() {}

  /** The traffic report of {@code fakes} for the test named {@code test}. */
  static String traffic(String test, List<FakeRegistry.Managed> fakes, int lines) {
    StringBuilder sb =
        new StringBuilder("traffic of the fakes of ")
            .append(test)
            .append(" (newest ")
            .append(lines)
            .append(" lines of each)");
    if (fakes.isEmpty()) {
      return sb.append("\n  (no fakes)").toString();
    }
    for (FakeRegistry.Managed m : fakes) {
      sb.append('\n');
      appendFake(sb, m, lines);
    }
    return sb.toString();
  }

  private static void appendFake(StringBuilder sb, FakeRegistry.Managed m, int lines) {
    Fake f = m.fake();
    sb.append("  ").append(m.label()).append(" [").append(f.name()).append("] ");
    sb.append(f.isRunning() ? f.baseUri().toString() : "(not running)");
    seed(f).ifPresent(s -> sb.append(", fault seed ").append(s));
    // the journal's digest: message chatter counted by type, so requests stay in the window
    List<String> digest = f.journal().digest(lines);
    if (digest.isEmpty()) {
      sb.append(": no traffic");
      return;
    }
    for (String line : digest) {
      sb.append("\n    ").append(line);
    }
  }

  /** One entry, with the response body when it explains an error. */
  static String line(Entry e) {
    String s = e.toString();
    String body = e.responseBody();
    if (e.kind() == Entry.Kind.HTTP && (e.status() >= 400 || e.unmatched()) && body != null && !body.isEmpty()) {
      s += " => " + oneLine(body, 200);
    }
    return s;
  }

  private static String oneLine(String s, int max) {
    String t = s.replace('\n', ' ').replace('\r', ' ');
    return t.length() <= max ? t : t.substring(0, max - 3) + "...";
  }

  /**
   * Problems strict mode fails a test for: requests no stub or route handled, and fault rules
   * that never fired (for fakes with a fault plan offering {@code assertAllFired()}).
   */
  static List<String> strictViolations(List<FakeRegistry.Managed> fakes) {
    List<String> out = new ArrayList<>();
    for (FakeRegistry.Managed m : fakes) {
      List<Entry> unmatched = m.fake().journal().find(Entry::unmatched);
      if (!unmatched.isEmpty()) {
        StringBuilder sb =
            new StringBuilder(m.label())
                .append(" received ")
                .append(unmatched.size())
                .append(" request(s) that no stub or route handled:");
        for (Entry e : unmatched) {
          sb.append("\n    ").append(line(e));
        }
        out.add(sb.toString());
      }
      String unfired = unfiredFaults(m.fake());
      if (unfired != null) {
        out.add(m.label() + " has fault rules that never fired: " + unfired);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- fault plan

  /** The seed of {@code f}'s fault plan, printed with its traffic so a failing run can be replayed. */
  static Optional<String> seed(Fake f) {
    FaultPlan plan = f.faults();
    return plan == null ? Optional.empty() : Optional.of(Long.toString(plan.seed()));
  }

  /**
   * Fault rules a test declared but gave no action (they did nothing), one message per fake; the
   * rules are forgotten, so the next test starts clean.
   */
  static List<String> unfinishedRules(List<FakeRegistry.Managed> fakes) {
    List<String> out = new ArrayList<>();
    for (FakeRegistry.Managed m : fakes) {
      FaultPlan plan = m.fake().faults();
      try {
        if (plan != null) {
          plan.checkUnfinished();
        }
      } catch (IllegalStateException e) {
        out.add(m.label() + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** What {@link FaultPlan#assertAllFired()} says about {@code f}'s plan, or null if every rule fired. */
  private static String unfiredFaults(Fake f) {
    FaultPlan plan = f.faults();
    if (plan == null) {
      return null;
    }
    try {
      plan.assertAllFired();
      return null;
    } catch (AssertionError e) {
      return e.getMessage();
    }
  }

  // ---------------------------------------------------------------- JSON report

  /** Writes {@code dir/<class>/<test>.json} with every journal entry of {@code fakes}. */
  static Path writeReport(
      Path dir, String className, String testName, String result, Throwable failure,
      List<FakeRegistry.Managed> fakes) {
    ObjectNode root = Json.object();
    root.put("class", className);
    root.put("test", testName);
    root.put("result", result);
    if (failure != null) {
      root.put("failure", String.valueOf(failure));
    }
    ArrayNode fs = root.putArray("fakes");
    for (FakeRegistry.Managed m : fakes) {
      ObjectNode fo = fs.addObject();
      fo.put("label", m.label());
      fo.put("name", m.fake().name());
      if (m.fake().isRunning()) {
        fo.put("baseUri", m.fake().baseUri().toString());
      }
      seed(m.fake()).ifPresent(s -> fo.put("faultSeed", s));
      fo.put("total", m.fake().journal().total());
      ArrayNode es = fo.putArray("entries");
      for (Entry e : m.fake().journal().entries()) {
        ObjectNode eo = es.addObject();
        eo.put("id", e.id());
        eo.put("kind", e.kind().name());
        eo.put("time", e.time().toString());
        eo.put("method", e.method());
        eo.put("path", e.path());
        if (!e.query().isEmpty()) {
          eo.put("query", e.query());
        }
        if (e.status() != 0) {
          eo.put("status", e.status());
        }
        Duration l = e.latency();
        if (l != null) {
          eo.put("latencyMs", l.toNanos() / 1e6);
        }
        if (e.bodySize() > 0) {
          eo.put("body", e.bodyIsText() ? e.bodyText() : e.bodyPreview()); // no raw bytes in JSON
          eo.put("bodySize", e.bodySize());
        }
        if (e.responseBody() != null && !e.responseBody().isEmpty()) {
          eo.put("responseBody", e.responseBody());
        }
        if (e.fault() != null) {
          eo.put("fault", e.fault());
        }
        if (e.outcome() != null) {
          eo.put("outcome", e.outcome());
        }
      }
    }
    Path file = dir.resolve(safe(className)).resolve(safe(testName) + ".json");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, root.toPrettyString() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Backlot could not write the traffic report " + file, e);
    }
    return file;
  }

  private static String safe(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._$-]+", "_");
    return t.length() > 150 ? t.substring(0, 150) + "_" + Integer.toHexString(s.hashCode()) : t;
  }
}
