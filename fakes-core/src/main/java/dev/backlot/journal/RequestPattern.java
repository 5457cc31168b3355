package dev.backlot.journal;

import dev.backlot.wire.PathTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Describes HTTP requests to look for in a {@link Journal}; reads like the sentence it checks.
 * The path is a template as in routes ({@code /history/{id}}), matched against the request path.
 *
 * <pre>{@code
 * RequestPattern.post("/upload/image").header("Content-Type", startsWith("multipart/"))
 * RequestPattern.get("/storage/v1/b/{bucket}/o").query("prefix", "logs/")
 * RequestPattern.any("/v1/chat/completions").bodyContains("\"stream\":true")
 * }</pre>
 *
 * <p>The commands of a command protocol (Redis's) have patterns of their own, {@link
 * #command(String)}; their body is the command's arguments:
 *
 * <pre>{@code
 * redis.journal().verify(2, RequestPattern.command("BLMOVE").bodyContains("queue:wait"));
 * }</pre>
 */
public final class RequestPattern implements Predicate<Entry> {

  private record Check(String description, Predicate<Entry> test, Function<Entry, String> why) {}

  private final String method;
  private final String path;
  private final PathTemplate template;
  private final List<Check> checks;
  /** The command's name for a command pattern ("*" for any command); null for HTTP patterns. */
  private final String command;

  private RequestPattern(String method, String path, List<Check> checks) {
    this(method, path, checks, null);
  }

  private RequestPattern(String method, String path, List<Check> checks, String command) {
    this.method = method;
    this.path = path;
    this.template = path == null ? null : PathTemplate.of(path);
    this.checks = checks;
    this.command = command;
  }

  public static RequestPattern get(String path) {
    return new RequestPattern("GET", path, List.of());
  }

  public static RequestPattern post(String path) {
    return new RequestPattern("POST", path, List.of());
  }

  public static RequestPattern put(String path) {
    return new RequestPattern("PUT", path, List.of());
  }

  public static RequestPattern delete(String path) {
    return new RequestPattern("DELETE", path, List.of());
  }

  public static RequestPattern patch(String path) {
    return new RequestPattern("PATCH", path, List.of());
  }

  /** Any method on {@code path}. */
  public static RequestPattern any(String path) {
    return new RequestPattern(null, path, List.of());
  }

  /** Any HTTP request at all. */
  public static RequestPattern anyRequest() {
    return new RequestPattern(null, null, List.of());
  }

  public static RequestPattern request(String method, String path) {
    return new RequestPattern(method.toUpperCase(java.util.Locale.ROOT), path, List.of());
  }

  /**
   * The commands named {@code name} (case-insensitive) of a command protocol: the {@link
   * Entry.Kind#COMMAND} entries of a Redis fake's journal. The body checks ({@link
   * #bodyContains}, {@link #bodyMatches}) read the command's arguments, {@link #query} the
   * connection ({@code conn}, {@code db}).
   *
   * <pre>{@code
   * redis.journal().verify(RequestPattern.command("BLMOVE").bodyContains("queue:wait queue:active"));
   * redis.journal().verifyNone(RequestPattern.command("FLUSHALL"));
   * }</pre>
   */
  public static RequestPattern command(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a command name is not blank; for any command use anyCommand()");
    }
    return new RequestPattern(null, null, List.of(), name.trim().toUpperCase(java.util.Locale.ROOT));
  }

  /** Any command of a command protocol (every {@link Entry.Kind#COMMAND} entry). */
  public static RequestPattern anyCommand() {
    return new RequestPattern(null, null, List.of(), "*");
  }

  /** Whether this pattern looks for commands ({@link #command}) rather than HTTP requests. */
  public boolean matchesCommands() {
    return command != null;
  }

  public RequestPattern header(String name, String value) {
    return with(
        "header " + name + ": " + value,
        e -> value.equals(e.header(name)),
        e -> "header " + name + " was " + quote(e.header(name)));
  }

  public RequestPattern headerPresent(String name) {
    return with("header " + name, e -> e.header(name) != null, e -> "no header " + name);
  }

  public RequestPattern query(String name, String value) {
    return with(
        "query " + name + "=" + value,
        e -> queryValues(e, name).contains(value),
        e -> "query " + name + " was " + queryValues(e, name));
  }

  /** Only entries whose body (a command's: its arguments, space-separated) contains {@code text}. */
  public RequestPattern bodyContains(String text) {
    return with(
        bodyNoun() + " containing " + quote(text),
        e -> e.bodyText().contains(text),
        e -> bodyNoun() + (command != null ? " do" : " does") + " not contain " + quote(text));
  }

  /** Only entries whose body (a command's: its arguments) has a match of {@code regex}. */
  public RequestPattern bodyMatches(String regex) {
    Pattern p = Pattern.compile(regex, Pattern.DOTALL);
    return with(
        bodyNoun() + " matching /" + regex + "/",
        e -> p.matcher(e.bodyText()).find(),
        e -> bodyNoun() + (command != null ? " do" : " does") + " not match /" + regex + "/");
  }

  private String bodyNoun() {
    return command != null ? "arguments" : "body";
  }

  public RequestPattern status(int status) {
    return with(
        "answered " + status, e -> e.status() == status, e -> "was answered " + e.status());
  }

  /** Any other condition, named for failure messages. */
  public RequestPattern where(String description, Predicate<Entry> test) {
    return with(description, test, e -> "not " + description);
  }

  @Override
  public boolean test(Entry e) {
    return mismatches(e).isEmpty();
  }

  /** Why {@code e} does not match, one reason per line; empty when it matches. */
  public List<String> mismatches(Entry e) {
    List<String> out = new ArrayList<>(2);
    if (command != null) {
      if (e.kind() != Entry.Kind.COMMAND) {
        out.add("not a command");
        return out;
      }
      if (!command.equals("*") && !command.equalsIgnoreCase(e.path())) {
        out.add("command was " + e.path() + ", not " + command);
      }
      for (Check c : checks) {
        if (!c.test.test(e)) {
          out.add(c.why.apply(e));
        }
      }
      return out;
    }
    if (e.kind() != Entry.Kind.HTTP) {
      out.add("not an HTTP request");
      return out;
    }
    if (method != null && !method.equals(e.method())) {
      out.add("method was " + e.method() + ", not " + method);
    }
    if (template != null && !pathMatches(e.path())) {
      out.add("path was " + e.path() + ", not " + path);
    }
    for (Check c : checks) {
      if (!c.test.test(e)) {
        out.add(c.why.apply(e));
      }
    }
    return out;
  }

  private boolean pathMatches(String decodedPath) {
    return Objects.equals(path, decodedPath) || template.match(decodedPath) != null;
  }

  private RequestPattern with(String description, Predicate<Entry> test, Function<Entry, String> why) {
    List<Check> more = new ArrayList<>(checks);
    more.add(new Check(description, test, why));
    return new RequestPattern(method, path, List.copyOf(more), command);
  }

  private static List<String> queryValues(Entry e, String name) {
    List<String> out = new ArrayList<>(1);
    for (String pair : e.query().split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(k).equals(name)) {
        out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException ex) {
      return s;
    }
  }

  private static String quote(String s) {
    return s == null ? "(none)" : '"' + s + '"';
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (command != null) {
      sb.append(command.equals("*") ? "any command" : "command " + command);
    } else {
      sb.append(method == null ? "ANY" : method).append(' ').append(path == null ? "*" : path);
    }
    for (Check c : checks) {
      sb.append(", ").append(c.description);
    }
    return sb.toString();
  }
}
