package dev.backlot.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One recorded exchange: an HTTP request and its outcome, a WebSocket message, an SSE event or a
 * command. Entries are created when the request arrives (so a request whose response stalls is
 * still visible) and completed when the outcome is known.
 */
public final class Entry {

  /** What kind of traffic an entry records. */
  public enum Kind {
    /** An HTTP request and its response. */
    HTTP,
    /** A WebSocket connection opened (method GET, path of the socket). */
    WS_OPEN,
    /** A message the client sent on a WebSocket. */
    WS_IN,
    /** A message the fake sent on a WebSocket. */
    WS_OUT,
    /** A WebSocket closed, by either side; {@link #status()} holds the close code. */
    WS_CLOSE,
    /** A Server-Sent Event the fake sent. */
    SSE,
    /** A command of a non-HTTP protocol (e.g. a Redis command). */
    COMMAND
  }

  /**
   * The {@link #outcome()} of an HTTP request that no stub or route handled (the fake answered
   * with its 404/405 "no route" response). Strict test modes fail on these.
   */
  public static final String NO_ROUTE = "no route";

  private final long id;
  private final Kind kind;
  private final Instant time;
  private final String method;
  private final String path;
  private final String query;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final int bodySize;
  private final long startNanos;
  private volatile int status;
  private volatile long latencyNanos = -1;
  private volatile String fault;
  // The response body as given (text), or null; when the engine hands over bytes instead,
  // `response` keeps them (or a capped copy) and the text is made when first read.
  private volatile String responseBody;
  private volatile ResponseBytes response;
  private volatile String outcome;

  /** Bytes of a response body, turned into text for {@link #responseBody()} only when read. */
  private record ResponseBytes(byte[] kept, int size, String contentType) {
    String text() {
      if (size == 0) {
        return "";
      }
      if (!isText(contentType)) {
        return "(" + size + " bytes " + contentType + ")";
      }
      return new String(kept, StandardCharsets.UTF_8) + (kept.length < size ? "..." : "");
    }
  }

  /** How many bytes of a text response body an entry keeps. */
  static final int RESPONSE_LIMIT = 4096;

  // The response bytes the journal counted for this entry: 0 none yet, > 0 that many, RELEASED
  // once the journal dropped it (then nothing more is counted).
  private static final int RELEASED = -1;
  private static final VarHandle COUNTED;

  static {
    try {
      COUNTED = MethodHandles.lookup().findVarHandle(Entry.class, "counted", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through COUNTED
  private volatile int counted;

  /** Claims {@code n} response bytes for the journal's count; false if dropped or counted already. */
  boolean countResponse(int n) {
    return COUNTED.compareAndSet(this, 0, n);
  }

  /** Marks the entry dropped; returns the bytes the journal counted for it, to subtract. */
  long release() {
    int c = (int) COUNTED.getAndSet(this, RELEASED);
    return body.length + (c > 0 ? c : 0);
  }

  Entry(
      long id,
      Kind kind,
      Instant time,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body,
      int bodySize) {
    this.id = id;
    this.kind = kind;
    this.time = time;
    this.method = method;
    this.path = path;
    this.query = query == null ? "" : query;
    this.headers = headers;
    this.body = body;
    this.bodySize = bodySize;
    this.startNanos = System.nanoTime();
  }

  /** Position in the fake's journal since its last reset: 1, 2, 3, ... */
  public long id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  /** When it happened, on the fake's clock. */
  public Instant time() {
    return time;
  }

  /** HTTP method; for WebSocket/SSE entries the method of the request that opened the stream. */
  public String method() {
    return method;
  }

  /** The decoded path (for a command: the command name). */
  public String path() {
    return path;
  }

  /** The query string as sent, or "". */
  public String query() {
    return query;
  }

  /** Request headers (case-insensitive keys); empty for messages. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The body or message, capped at the journal's body limit. */
  public byte[] body() {
    return body;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The full size of the body before capping. */
  public int bodySize() {
    return bodySize;
  }

  public boolean bodyTruncated() {
    return bodySize > body.length;
  }

  /** The response status (HTTP), close code (WS_CLOSE), or 0 while unknown. */
  public int status() {
    return status;
  }

  /** Time from arrival to the end of the response, or null while in flight. */
  public Duration latency() {
    long l = latencyNanos;
    return l < 0 ? null : Duration.ofNanos(l);
  }

  public boolean completed() {
    return latencyNanos >= 0;
  }

  /** The fault rule that acted on this exchange (with the plan's seed), or null. */
  public String fault() {
    return fault;
  }

  /**
   * The response body (capped at 4,096 bytes, then "..."; a binary body as {@code (N bytes
   * type)}), or null.
   */
  public String responseBody() {
    String b = responseBody;
    if (b == null) {
      ResponseBytes r = response;
      if (r != null) {
        b = r.text();
        responseBody = b; // made once; a race makes the same text twice
      }
    }
    return b;
  }

  /**
   * How the exchange ended when not by a plain response: "stream closed", "connection reset",
   * "no route", ...; null otherwise.
   */
  public String outcome() {
    return outcome;
  }

  /** Whether no stub or route handled this request (its outcome is {@link #NO_ROUTE}). */
  public boolean unmatched() {
    return NO_ROUTE.equals(outcome);
  }

  // The three writers below are reached through Recorder only: entries are read-only to users.
  void complete(int status, String responseBody) {
    this.status = status;
    this.responseBody = responseBody;
    this.latencyNanos = System.nanoTime() - startNanos;
  }

  /**
   * Completes with the response's bytes: a text body of up to {@link #RESPONSE_LIMIT} bytes is
   * kept by reference (response bodies are never changed once sent), a longer one copied up to
   * the limit, a binary one not at all. Returns the bytes kept.
   */
  int complete(int status, byte[] body, String contentType) {
    byte[] kept = body.length == 0 || !isText(contentType) ? EMPTY
        : body.length <= RESPONSE_LIMIT ? body : Arrays.copyOf(body, RESPONSE_LIMIT);
    this.status = status;
    this.responseBody = null;
    this.response = new ResponseBytes(kept, body.length, contentType);
    this.latencyNanos = System.nanoTime() - startNanos;
    return kept.length;
  }

  private static final byte[] EMPTY = new byte[0];

  static boolean isText(String type) {
    return type == null
        || type.startsWith("text/")
        || type.contains("json")
        || type.contains("xml");
  }

  /** Notes the fault rule that acted on this exchange. */
  void fault(String description) {
    String f = fault;
    this.fault = f == null ? description : f + "; " + description;
  }

  void outcome(String outcome) {
    this.outcome = outcome;
    if (latencyNanos < 0) {
      latencyNanos = System.nanoTime() - startNanos;
    }
  }

  /**
   * The body as a person reads it in a failure message, on one line: text abbreviated to 160
   * characters; a binary body as its type, size and md5 ({@code [image/png, 40960 bytes, md5
   * 1f3c...]}); a multipart body part by part, each text part abbreviated and each binary one
   * summarised.
   */
  public String bodyPreview() {
    return Preview.body(body, bodySize, kind == Kind.HTTP ? header("Content-Type") : null, 160);
  }

  /**
   * Whether the body reads as text (valid UTF-8 without control characters, and not declared
   * binary by its Content-Type); {@link #bodyPreview()} summarises the others.
   */
  public boolean bodyIsText() {
    String type = kind == Kind.HTTP ? header("Content-Type") : null;
    return (type == null || Preview.textual(type)) && Preview.isText(body, bodyTruncated());
  }

  /**
   * A compact one-line form: {@code #3 POST /prompt -> 200 (12 ms) {"prompt":...}}. Long query
   * strings show their first parameters and how many more there are ({@code ?X-Goog-Algorithm=
   * GOOG4-RSA-SHA256&...(5 more params)}), bodies as {@link #bodyPreview()}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(96).append('#').append(id).append(' ');
    switch (kind) {
      case HTTP -> {
        sb.append(method).append(' ').append(path);
        if (!query.isEmpty()) {
          sb.append('?').append(Preview.query(query));
        }
        sb.append(" -> ").append(status == 0 ? "(no response)" : String.valueOf(status));
        Duration l = latency();
        if (l != null) {
          sb.append(" (").append(l.toMillis()).append(" ms)");
        }
      }
      case WS_OPEN -> sb.append("ws open ").append(path);
      case WS_CLOSE -> sb.append("ws close ").append(path).append(" code=").append(status);
      case WS_IN -> sb.append("ws <- ").append(path);
      case WS_OUT -> sb.append("ws -> ").append(path);
      case SSE -> sb.append("sse -> ").append(path);
      case COMMAND -> sb.append(path);
    }
    if (bodySize > 0) {
      sb.append(' ').append(bodyPreview());
    }
    if (outcome != null) {
      sb.append(" [").append(outcome).append(']');
    }
    if (fault != null) {
      sb.append(" [fault: ").append(fault).append(']');
    }
    return sb.toString();
  }
}
