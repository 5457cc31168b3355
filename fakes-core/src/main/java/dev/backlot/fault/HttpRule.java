package dev.backlot.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Json;
import dev.backlot.wire.PathTemplate;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.journal.Entry;
import dev.backlot.journal.RequestPattern;
import io.undertow.util.StatusCodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A fault on HTTP requests: which requests (method, path template, headers, query, JSON body),
 * when (see {@link Rule}), and what happens on the wire.
 *
 * <pre>{@code
 * faults.on("POST", "/prompt").next(2).status(503);                  // the backend's own 503 body
 * faults.on("POST", "/v1/chat/completions").rateLimit(Duration.ofSeconds(2)).retryAfterMs();
 * faults.on("GET", "/history/{id}").delay(Duration.ofMillis(300)).status(504); // delay, then 504
 * faults.onAny().probability(0.05).reset();                          // TCP RST
 * faults.on("GET", "/o/{name}").truncate(1024);                      // 1 KiB of the body, then FIN
 * faults.on("GET", "/o/{name}").afterHeaders().stall();              // headers, then silence
 * faults.on("POST", "/orders").afterHandling().reset();              // processed, answer lost
 * faults.on("GET", "/big").throttle(64 * 1024);                      // 64 KiB/s
 * }</pre>
 *
 * <p>Actions combine within one rule ({@code delay(...).status(503)}). A rule whose only action
 * is a delay lets the request go on to later rules, so latency on everything and a failure on
 * some requests can be two rules; any other action ends the search.
 *
 * <p>HTTP rules also see WebSocket upgrade requests (they are GET requests), for the actions that
 * make sense before a handshake: delay, status/respond, close, reset and stall.
 */
public final class HttpRule extends Rule<HttpRule> {

  private final String method;
  private final PathTemplate path;
  private final RequestPattern pattern;
  private final List<Predicate<Request>> tests = new ArrayList<>(2);
  private final StringBuilder matchText = new StringBuilder();

  private HttpFault.Trigger trigger = HttpFault.Trigger.BEFORE_HANDLER;
  private long cutAfterBytes;
  private String triggerText = "";

  private Delay delay;
  private int status;
  private String message;
  private Response response;
  private final List<Response.Header> headers = new ArrayList<>(2);
  private Duration retryAfter;
  private boolean retryAfterMs;
  private HttpFault.Effect effect = HttpFault.Effect.NONE;
  private int corrupt;
  private long throttle;

  HttpRule(FaultPlan plan, String method, String path) {
    super(plan);
    this.method =
        method == null || method.equals("*") ? null : method.toUpperCase(Locale.ROOT);
    this.path = path == null ? null : PathTemplate.of(path);
    this.pattern = null;
    matchText.append(this.method == null ? "ANY" : this.method).append(' ')
        .append(path == null ? "*" : path);
  }

  HttpRule(FaultPlan plan, RequestPattern pattern) {
    super(plan);
    this.method = null;
    this.path = null;
    this.pattern = Objects.requireNonNull(pattern, "pattern");
    matchText.append(pattern);
  }

  // ------------------------------------------------------------------ match

  /** Only requests carrying header {@code name} with exactly {@code value}. */
  public HttpRule header(String name, String value) {
    return where("header " + name + ": " + value, r -> value.equals(r.header(name)));
  }

  /** Only requests whose header {@code name} satisfies {@code test} (null when absent). */
  public HttpRule header(String name, Predicate<String> test) {
    return where("header " + name + " matching", r -> test.test(r.header(name)));
  }

  /** Only requests with query parameter {@code name} = {@code value}. */
  public HttpRule query(String name, String value) {
    return where("query " + name + "=" + value, r -> r.queryAll(name).contains(value));
  }

  /**
   * Only requests whose JSON body has {@code value} at {@code pointer} (a JSON Pointer such as
   * {@code /model} or {@code /input/0/role}). {@code value} is compared as JSON: a String matches
   * a JSON string, a number a number, and so on. A body that is not JSON does not match.
   */
  public HttpRule json(String pointer, Object value) {
    JsonNode expected =
        value instanceof String s ? TextNode.valueOf(s) : Json.mapper().valueToTree(value);
    return where(
        "json " + pointer + " = " + expected,
        r -> {
          JsonNode body = jsonOrNull(r);
          return body != null && sameJson(expected, body.at(pointer));
        });
  }

  /** Only requests whose body parses as JSON and satisfies {@code test}. */
  public HttpRule json(Predicate<JsonNode> test) {
    return where(
        "json body matching",
        r -> {
          JsonNode body = jsonOrNull(r);
          return body != null && test.test(body);
        });
  }

  /** Only requests satisfying {@code test}; {@code description} names it in messages. */
  public HttpRule where(String description, Predicate<Request> test) {
    beforeAction(description);
    tests.add(Objects.requireNonNull(test, "test"));
    matchText.append(", ").append(description);
    return this;
  }

  private static boolean sameJson(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static JsonNode jsonOrNull(Request r) {
    if (r.body().length == 0) {
      return null;
    }
    try {
      return r.json();
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  // ------------------------------------------------------------------ trigger

  /**
   * {@link #close()}, {@link #reset()} or {@link #stall()} strike after the fake's handler ran,
   * before any byte of its answer: the request was processed (state changed) but its response is
   * lost, the case that tests idempotent retries.
   */
  public HttpRule afterHandling() {
    beforeAction("afterHandling()");
    trigger = HttpFault.Trigger.AFTER_HANDLER;
    triggerText = "after handling: ";
    return this;
  }

  /** The effect strikes once the status line and headers were sent, before any body byte. */
  public HttpRule afterHeaders() {
    return afterBytes(0);
  }

  /**
   * The effect strikes once the status line, headers and {@code n} body bytes were sent. The
   * headers announce the full length, so the client knows the body is short.
   */
  public HttpRule afterBytes(long n) {
    beforeAction("afterBytes(" + n + ")");
    if (n < 0) {
      throw refused("afterBytes(n) needs n >= 0: " + n);
    }
    trigger = HttpFault.Trigger.AFTER_BYTES;
    cutAfterBytes = n;
    triggerText = n == 0 ? "after headers: " : "after " + n + " bytes: ";
    return this;
  }

  // ------------------------------------------------------------------ actions

  /** Waits {@code d} on the fake's clock, then goes on (to later rules, then the handler). */
  public HttpRule delay(Duration d) {
    return delay(Delay.fixed(d));
  }

  /** Waits a delay drawn from {@code d} (seeded), then goes on. */
  public HttpRule delay(Delay d) {
    synchronized (plan) {
      this.delay = Objects.requireNonNull(d, "delay");
      installed();
    }
    return this;
  }

  /**
   * Answers {@code status} in the fake's own error shape (the real backend's error JSON), with the
   * standard reason phrase as message; the handler is not called.
   */
  public HttpRule status(int status) {
    return status(status, StatusCodes.getReason(status));
  }

  /** Answers {@code status} with {@code message} in the fake's error shape. */
  public HttpRule status(int status, String message) {
    if (status < 200 || status > 599) {
      throw refused("status must be 200..599: " + status);
    }
    synchronized (plan) {
      this.status = status;
      this.message = Objects.requireNonNull(message, "message");
      this.response = null;
      installed();
    }
    return this;
  }

  /** Answers exactly {@code response}; the handler is not called. */
  public HttpRule respond(Response response) {
    synchronized (plan) {
      this.response = Objects.requireNonNull(response, "response");
      this.status = 0;
      installed();
    }
    return this;
  }

  /**
   * Adds a header to the answer of {@link #status}, {@link #respond} or {@link #rateLimit} (one
   * of the same name is kept too), as {@link Response#addHeader} does.
   *
   * <pre>{@code
   * faults.on("GET", "/x").status(503).addHeader("Retry-After", "1");
   * }</pre>
   */
  public HttpRule addHeader(String name, String value) {
    synchronized (plan) {
      if (status == 0 && response == null) {
        throw misused("addHeader(...) follows status(...), respond(...) or rateLimit(...)");
      }
      headers.add(new Response.Header(name, value));
    }
    return this;
  }

  /**
   * Sets a header of the answer of {@link #status}, {@link #respond} or {@link #rateLimit},
   * replacing any earlier value of that name, as {@link Response#setHeader} does.
   */
  public HttpRule setHeader(String name, String value) {
    synchronized (plan) {
      if (status == 0 && response == null) {
        throw misused("setHeader(...) follows status(...), respond(...) or rateLimit(...)");
      }
      headers.removeIf(h -> h.name().equalsIgnoreCase(name));
      headers.add(new Response.Header(name, value));
    }
    return this;
  }

  /**
   * Answers 429 in the fake's error shape with {@code Retry-After} (whole seconds, rounded up).
   * Follow with {@link #retryAfterMs()} for backends that also send milliseconds.
   */
  public HttpRule rateLimit(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw refused("retryAfter cannot be negative: " + retryAfter);
    }
    synchronized (plan) {
      status(429, "Rate limit exceeded");
      this.retryAfter = retryAfter;
    }
    return this;
  }

  /** Adds {@code Retry-After-Ms} (OpenAI-style) to a {@link #rateLimit}. */
  public HttpRule retryAfterMs() {
    synchronized (plan) {
      if (retryAfter == null) {
        throw misused("retryAfterMs() follows rateLimit(...)");
      }
      retryAfterMs = true;
    }
    return this;
  }

  /** Closes the connection (FIN) with no response: the client reads end-of-stream. */
  public HttpRule close() {
    return effect(HttpFault.Effect.CLOSE);
  }

  /** Resets the connection (TCP RST): the client sees "connection reset". */
  public HttpRule reset() {
    return effect(HttpFault.Effect.RESET);
  }

  /**
   * Sends nothing more and keeps the connection open until the client gives up (its read
   * timeout) or the fake is reset, stopped or closed. No thread waits meanwhile.
   */
  public HttpRule stall() {
    return effect(HttpFault.Effect.STALL);
  }

  /** Sends the status line and headers, then stalls: {@code afterHeaders().stall()}. */
  public HttpRule stallAfterHeaders() {
    return afterHeaders().stall();
  }

  /** Sends the headers (full length announced) and {@code n} body bytes, then closes. */
  public HttpRule truncate(long n) {
    return afterBytes(n).close();
  }

  /** Changes 1% of the body's bytes (at least one), chosen by the seed; length unchanged. */
  public HttpRule corrupt() {
    return corruptBytes(-1);
  }

  /** Changes {@code n} bytes of the body, chosen by the seed; length unchanged. */
  public HttpRule corrupt(int n) {
    if (n < 1) {
      throw refused("corrupt(n) needs n >= 1: " + n);
    }
    return corruptBytes(n);
  }

  /** Writes the body at {@code bytesPerSecond}, scheduled on the fake's clock. */
  public HttpRule throttle(long bytesPerSecond) {
    if (bytesPerSecond < 1) {
      throw refused("throttle needs >= 1 byte per second: " + bytesPerSecond);
    }
    synchronized (plan) {
      this.throttle = bytesPerSecond;
      installed();
    }
    return this;
  }

  private HttpRule corruptBytes(int n) {
    synchronized (plan) {
      this.corrupt = n;
      installed();
    }
    return this;
  }

  private HttpRule effect(HttpFault.Effect e) {
    synchronized (plan) {
      this.effect = e;
      installed();
    }
    return this;
  }

  // ------------------------------------------------------------------ engine side

  /**
   * Whether the rule's method and path admit {@code r}: the part of {@link #matches} that reads
   * only the rule's immutable fields, so the data path can ask it without the plan's lock. A
   * request no rule admits can never change the plan's state (nothing is counted for it).
   */
  boolean admits(Request r) {
    if (method != null
        && !method.equals(r.method())
        && !(method.equals("GET") && r.method().equals("HEAD"))) {
      return false;
    }
    return path == null || path.match(r.rawPath()) != null;
  }

  boolean matches(Request r, Supplier<Entry> entry) {
    if (method != null
        && !method.equals(r.method())
        && !(method.equals("GET") && r.method().equals("HEAD"))) {
      return false;
    }
    if (path != null && path.match(r.rawPath()) == null) {
      return false;
    }
    if (pattern != null) {
      Entry e = entry.get();
      if (e == null || !pattern.test(e)) {
        return false;
      }
    }
    for (Predicate<Request> t : tests) {
      if (!t.test(r)) {
        return false;
      }
    }
    return true;
  }

  /** Only a delay: the request goes on to later rules. */
  boolean passThrough() {
    return status == 0 && response == null && effect == HttpFault.Effect.NONE && corrupt == 0
        && throttle == 0;
  }

  /** Whether the rule can act on a WebSocket upgrade (no body to shape, no handler to run). */
  boolean appliesToUpgrade() {
    return corrupt == 0
        && throttle == 0
        && (effect == HttpFault.Effect.NONE || trigger == HttpFault.Trigger.BEFORE_HANDLER);
  }

  Delay delayAction() {
    return delay;
  }

  HttpFault.Trigger trigger() {
    return trigger;
  }

  long cutAfterBytes() {
    return cutAfterBytes;
  }

  HttpFault.Effect effect() {
    return effect;
  }

  int corruptCount() {
    return corrupt;
  }

  long throttle() {
    return throttle;
  }

  /** The replacement response, rendered lazily in the fake's error shape; null if none. */
  Supplier<Response> replacement(Supplier<ErrorShape> shape) {
    if (status == 0 && response == null) {
      return null;
    }
    int s = status;
    String m = message;
    Response fixed = response;
    List<Response.Header> extra = List.copyOf(headers);
    Duration ra = retryAfter;
    boolean ms = retryAfterMs;
    return () -> {
      Response r = fixed != null ? fixed : shape.get().render(s, m, Map.of());
      if (ra != null) {
        long secs = (ra.toMillis() + 999) / 1000;
        r = r.setHeader("Retry-After", String.valueOf(secs));
        if (ms) {
          r = r.setHeader("Retry-After-Ms", String.valueOf(ra.toMillis()));
        }
      }
      for (Response.Header h : extra) {
        r = r.addHeader(h.name(), h.value());
      }
      return r;
    };
  }

  @Override
  String matchText() {
    return matchText.toString();
  }

  @Override
  String actionText() {
    List<String> parts = new ArrayList<>(3);
    if (delay != null) {
      parts.add("delay " + delay);
    }
    if (retryAfter != null) {
      parts.add("rate limit (Retry-After " + Delay.format(retryAfter)
          + (retryAfterMs ? ", Retry-After-Ms" : "") + ")");
    } else if (status != 0) {
      parts.add("status " + status);
    } else if (response != null) {
      parts.add("respond " + response);
    }
    if (corrupt != 0) {
      parts.add(corrupt < 0 ? "corrupt 1%" : "corrupt " + corrupt + " bytes");
    }
    if (throttle > 0) {
      parts.add("throttle " + throttle + " B/s");
    }
    if (effect != HttpFault.Effect.NONE) {
      parts.add(triggerText + effect.name().toLowerCase(Locale.ROOT));
    }
    return parts.isEmpty() ? "(no action yet)" : String.join(" then ", parts);
  }

  @Override
  String unit() {
    return "requests";
  }

  @Override
  String actionExamples() {
    return ".status(503), .delay(Duration.ofMillis(300)), .reset() or .stall()";
  }
}
