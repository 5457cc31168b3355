package dev.backlot.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as a fake's route handler sees it: fully read, immutable, safe to keep.
 *
 * <p>{@link #path()} is percent-decoded per segment, so an encoded slash inside a segment (GCS
 * object names such as {@code a%2Fb}) stays inside its path variable. Query parameters are
 * decoded; header names are case-insensitive.
 *
 * <pre>{@code
 * Response handle(Request req) {
 *   String bucket = req.pathParam("bucket");
 *   int max = req.queryInt("maxResults", 1000);
 *   JsonNode body = req.json(); // malformed JSON becomes a 400 in the fake's error shape
 * }
 * }</pre>
 */
public final class Request {

  private final long id;
  private final String method;
  private final String rawPath;
  private final String rawQuery;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final Instant time;
  private final int connection;
  private final Map<String, String> pathParams;
  private JsonNode json;

  /**
   * A request as received: the engine builds one per request; {@link #of} is shorter for tests.
   */
  public Request(
      long id,
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body,
      Instant time,
      int connection,
      Map<String, String> pathParams) {
    this.id = id;
    this.method = method;
    this.rawPath = rawPath;
    this.rawQuery = rawQuery == null ? "" : rawQuery;
    this.query = parseQuery(this.rawQuery);
    this.headers = headers;
    this.body = body;
    this.time = time;
    this.connection = connection;
    this.pathParams = pathParams;
  }

  /**
   * Builds a request without a server, for unit-testing handlers and matchers. Header names are
   * case-insensitive; {@code target} may carry a query string.
   */
  public static Request of(String method, String target, Map<String, String> headers, byte[] body) {
    int q = target.indexOf('?');
    Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return new Request(
        0,
        method,
        q < 0 ? target : target.substring(0, q),
        q < 0 ? "" : target.substring(q + 1),
        Collections.unmodifiableMap(h),
        body == null ? new byte[0] : body,
        Instant.EPOCH,
        0,
        Map.of());
  }

  /** This request with the path variables of the template that matched it. */
  public Request withPathParams(Map<String, String> params) {
    if (params.isEmpty() && pathParams.isEmpty()) {
      return this; // a literal route: nothing to bind, no copy
    }
    Request r =
        new Request(id, method, rawPath, rawQuery, headers, body, time, connection, params);
    r.json = json;
    return r;
  }

  /**
   * This request with another body (same method, target, headers, path variables, time and
   * connection): for fakes that decode a transfer encoding, e.g. a gzip-compressed request body.
   */
  public Request withBody(byte[] newBody) {
    return new Request(id, method, rawPath, rawQuery, headers, newBody, time, connection, pathParams);
  }

  /** Sequence number of this request within its fake (1, 2, 3, ...), as the journal shows it. */
  public long id() {
    return id;
  }

  public String method() {
    return method;
  }

  /** The decoded path, e.g. {@code /storage/v1/b/my bucket/o}. */
  public String path() {
    return decodePath(rawPath);
  }

  /** The path exactly as sent, still percent-encoded. */
  public String rawPath() {
    return rawPath;
  }

  /** The query string as sent (no leading '?'), or "". */
  public String rawQuery() {
    return rawQuery;
  }

  /** The path and query as sent, e.g. {@code /o?alt=media}. */
  public String target() {
    return rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
  }

  /** The value of a path variable of the matched route template, decoded; null if none. */
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  public Map<String, String> pathParams() {
    return pathParams;
  }

  /** The first value of a query parameter, or null. */
  public String query(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The first value of a query parameter, or {@code fallback}. */
  public String query(String name, String fallback) {
    String v = query(name);
    return v == null ? fallback : v;
  }

  /** An integer query parameter; a non-number is a 400. */
  public int queryInt(String name, int fallback) {
    String v = query(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("Invalid integer value for parameter '" + name + "': " + v);
    }
  }

  /** A long query parameter; a non-number is a 400. */
  public Long queryLong(String name) {
    String v = query(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("Invalid value for parameter '" + name + "': " + v);
    }
  }

  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  public Map<String, List<String>> queryParams() {
    return query;
  }

  public boolean hasQuery(String name) {
    return query.containsKey(name);
  }

  /** The first value of a header (name case-insensitive), or null. */
  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** All headers; the map's keys are case-insensitive. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  public Optional<String> contentType() {
    return Optional.ofNullable(header("Content-Type"));
  }

  /** The raw body (empty, never null). The array is shared: do not modify it. */
  public byte[] body() {
    return body;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as JSON whatever the Content-Type; malformed or empty JSON is a 400. */
  public JsonNode json() {
    JsonNode j = json;
    if (j == null) {
      j = Json.parse(body);
      json = j;
    }
    return j;
  }

  /** The body bound to {@code type}; malformed JSON or a wrong shape is a 400. */
  public <T> T json(Class<T> type) {
    try {
      return Json.mapper().treeToValue(json(), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw HttpError.badRequest(
          "Request body does not match the expected shape: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("Request body does not match the expected shape: " + e.getMessage());
    }
  }

  /** When the request arrived, on the fake's clock. */
  public Instant time() {
    return time;
  }

  /** Index of the TCP connection this request came on (1-based per fake); 0 outside a fake. */
  public int connection() {
    return connection;
  }

  @Override
  public String toString() {
    return method + " " + target();
  }

  static Map<String, List<String>> parseQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>(1)).add(v);
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  private static String decodeQuery(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray '%' is kept as sent rather than failing the whole request
    }
  }

  /** Percent-decodes a path (or one segment); '+' stays '+', as in paths it is not a space. */
  public static String decodePath(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }
}
