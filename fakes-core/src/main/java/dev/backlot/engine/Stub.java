package dev.backlot.engine;

import dev.backlot.wire.PathTemplate;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A programmable answer for one method and path template, tried before the fake's own routes.
 * Any fake can be stubbed, so a specialised fake never boxes a test in; the plain {@code HttpFake}
 * is nothing but stubs.
 *
 * <pre>{@code
 * fake.stub("GET", "/users/{id}").respondWith(req -> Response.json(200, Map.of("id", req.pathParam("id"))));
 * fake.stub("POST", "/jobs").respond(Response.status(503), Response.json(202, "{\"id\":1}")); // 503 once, then 202
 * fake.stub("GET", "/search").when(req -> "cats".equals(req.query("q"))).respond(Response.text(200, "meow"));
 * fake.stub("POST", "/orders").expectJson().respond(Response.status(201)); // malformed JSON -> 400
 * }</pre>
 *
 * <p>The newest matching stub wins. A sequence of responses is answered in order and its last
 * response repeats.
 */
public final class Stub {

  private final String method;
  private final PathTemplate template;
  private final Runnable onRemove;
  private volatile Predicate<Request> condition = r -> true;
  private volatile String conditionText = "";
  private volatile boolean expectJson;
  private volatile List<Handler> answers = List.of(r -> Response.status(200));
  // True while the stub answers only with fixed responses and its conditions are the built-in
  // header/query ones: then it never blocks, and the request path answers it on the IO thread.
  private volatile boolean nonBlocking = true;
  private final AtomicInteger calls = new AtomicInteger();

  Stub(String method, String path, Runnable onRemove) {
    this.method = method.toUpperCase(Locale.ROOT);
    this.template = PathTemplate.of(path);
    this.onRemove = onRemove;
  }

  /** Only requests for which {@code condition} holds. */
  public Stub when(Predicate<Request> condition) {
    Predicate<Request> before = this.condition;
    this.condition = before.and(condition);
    this.conditionText += " when(...)";
    this.nonBlocking = false; // the test's own predicate might wait
    return this;
  }

  /** Only requests carrying this header value. */
  public Stub header(String name, String value) {
    conditionText += " header " + name + "=" + value;
    Predicate<Request> before = this.condition;
    this.condition = before.and(r -> value.equals(r.header(name)));
    return this;
  }

  /** Only requests carrying this query parameter value. */
  public Stub query(String name, String value) {
    conditionText += " query " + name + "=" + value;
    Predicate<Request> before = this.condition;
    this.condition = before.and(r -> r.queryAll(name).contains(value));
    return this;
  }

  /** The body must be JSON: malformed JSON is answered 400 in the fake's error shape. */
  public Stub expectJson() {
    this.expectJson = true;
    return this;
  }

  /** Answers with these responses in order; the last one repeats. */
  public Stub respond(Response first, Response... then) {
    Handler[] hs = new Handler[then.length + 1];
    hs[0] = r -> first;
    for (int i = 0; i < then.length; i++) {
      Response x = then[i];
      hs[i + 1] = r -> x;
    }
    this.answers = List.of(hs);
    return this;
  }

  /** Answers by calling {@code handler} for each request. */
  public Stub respondWith(Handler handler) {
    this.nonBlocking = false; // the test's own handler might wait: it runs on a worker
    this.answers = List.of(handler);
    return this;
  }

  /** How many requests this stub answered. */
  public int calls() {
    return calls.get();
  }

  /** Takes the stub away. */
  public void remove() {
    onRemove.run();
  }

  boolean matchesMethod(String m) {
    return method.equals("*") || method.equals(m) || (m.equals("HEAD") && method.equals("GET"));
  }

  /** Whether answering never blocks (fixed responses, built-in conditions only). */
  boolean nonBlocking() {
    return nonBlocking;
  }

  PathTemplate template() {
    return template;
  }

  boolean accepts(Request r) {
    return condition.test(r);
  }

  Response answer(Request r) throws Exception {
    if (expectJson) {
      r.json();
    }
    int n = calls.getAndIncrement();
    List<Handler> a = answers;
    return a.get(Math.min(n, a.size() - 1)).handle(r);
  }

  @Override
  public String toString() {
    return method + " " + template + conditionText;
  }
}
