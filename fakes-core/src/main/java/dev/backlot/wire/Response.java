package dev.backlot.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What a route answers: status, headers and a body, immutable. Bodies are bytes, or a stream of
 * Server-Sent Events written over time, or a response that is only known later.
 *
 * <pre>{@code
 * Response.json(200, Map.of("id", 7));
 * Response.text(503, "busy").addHeader("Retry-After", "2");
 * Response.sse(events -> { events.send("{\"n\":1}"); events.close(); });
 * Response.later(future); // e.g. a long poll completed by another request
 * }</pre>
 */
public final class Response {

  /** A header name and value, in the order they are sent. */
  public record Header(String name, String value) {}

  private final int status;
  private final List<Header> headers;
  private final byte[] body;
  private final Consumer<SseStream> sse;
  private final CompletionStage<Response> later;
  // Set by the engine on the answer to a request no stub or route handled (see Entry.NO_ROUTE).
  private final boolean noRoute;

  private Response(
      int status,
      List<Header> headers,
      byte[] body,
      Consumer<SseStream> sse,
      CompletionStage<Response> later) {
    this(status, headers, body, sse, later, false);
  }

  private Response(
      int status,
      List<Header> headers,
      byte[] body,
      Consumer<SseStream> sse,
      CompletionStage<Response> later,
      boolean noRoute) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.sse = sse;
    this.later = later;
    this.noRoute = noRoute;
  }

  /** This response, marked as the answer to a request that no stub or route handled. */
  public Response asNoRoute() {
    return new Response(status, headers, body, sse, later, true);
  }

  /** Whether this answers a request that no stub or route handled (journalled as such). */
  public boolean isNoRoute() {
    return noRoute;
  }

  /** An empty body with {@code status}. */
  public static Response status(int status) {
    return new Response(status, List.of(), new byte[0], null, null);
  }

  /** A JSON body: {@code value} is a JSON string, a JsonNode, a Map/List, or a record/POJO. */
  public static Response json(int status, Object value) {
    return bytes(status, Json.write(value).getBytes(StandardCharsets.UTF_8), "application/json");
  }

  public static Response text(int status, String text) {
    return bytes(status, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  public static Response bytes(int status, byte[] body, String contentType) {
    List<Header> h = contentType == null ? List.of() : List.of(new Header("Content-Type", contentType));
    return new Response(status, h, body, null, null);
  }

  /**
   * A {@code text/event-stream} response; {@code writer} is called once the headers are sent,
   * and may send events from any thread, now or later, then close the stream.
   */
  public static Response sse(Consumer<SseStream> writer) {
    return new Response(
        200,
        List.of(
            new Header("Content-Type", "text/event-stream"),
            new Header("Cache-Control", "no-cache")),
        new byte[0],
        writer,
        null);
  }

  /** A response that completes later (long polls, delayed answers); no thread waits for it. */
  public static Response later(CompletionStage<Response> response) {
    return new Response(0, List.of(), new byte[0], null, response);
  }

  /**
   * This response with one more header (an existing one of the same name is kept too).
   *
   * <pre>{@code
   * Response.json(200, body).addHeader("Set-Cookie", "a=1").addHeader("Set-Cookie", "b=2")
   * }</pre>
   */
  public Response addHeader(String name, String value) {
    List<Header> h = new ArrayList<>(headers.size() + 1);
    h.addAll(headers);
    h.add(new Header(name, value));
    return new Response(status, List.copyOf(h), body, sse, later);
  }

  /**
   * This response with {@code name} set to {@code value}, replacing any earlier value.
   *
   * <pre>{@code
   * Response.text(200, "<a/>").setHeader("Content-Type", "application/xml")
   * }</pre>
   */
  public Response setHeader(String name, String value) {
    List<Header> h = new ArrayList<>(headers.size() + 1);
    for (Header x : headers) {
      if (!x.name().equalsIgnoreCase(name)) {
        h.add(x);
      }
    }
    h.add(new Header(name, value));
    return new Response(status, List.copyOf(h), body, sse, later);
  }

  /** This response with these headers added, in order, copying the list once. */
  public Response headers(Header... more) {
    if (more.length == 0) {
      return this;
    }
    Header[] h = headers.toArray(new Header[headers.size() + more.length]);
    System.arraycopy(more, 0, h, headers.size(), more.length);
    return new Response(status, List.of(h), body, sse, later);
  }

  /** This response with these headers added (in the map's order), copying the list once. */
  public Response headers(Map<String, String> more) {
    if (more.isEmpty()) {
      return this;
    }
    Header[] h = new Header[headers.size() + more.size()];
    int i = 0;
    for (Header x : headers) {
      h[i++] = x;
    }
    for (Map.Entry<String, String> e : more.entrySet()) {
      h[i++] = new Header(e.getKey(), e.getValue());
    }
    return new Response(status, List.of(h), body, sse, later);
  }

  public Response withStatus(int newStatus) {
    return new Response(newStatus, headers, body, sse, later);
  }

  public Response withBody(byte[] newBody) {
    return new Response(status, headers, newBody, sse, later);
  }

  public int status() {
    return status;
  }

  public List<Header> headers() {
    return headers;
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** The body bytes (empty for streams and deferred responses). Do not modify. */
  public byte[] body() {
    return body;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public boolean isStream() {
    return sse != null;
  }

  public boolean isDeferred() {
    return later != null;
  }

  /** The writer of an event stream ({@link #sse}), or null. */
  public Consumer<SseStream> sseWriter() {
    return sse;
  }

  /** The answer to come of a {@linkplain #later deferred} response, or null. */
  public CompletionStage<Response> deferred() {
    return later;
  }

  @Override
  public String toString() {
    if (later != null) {
      return "Response(later)";
    }
    return status + (sse != null ? " (event stream)" : " (" + body.length + " bytes)");
  }
}
