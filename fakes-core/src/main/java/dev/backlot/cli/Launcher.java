package dev.backlot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.backlot.FakeSet;
import dev.backlot.time.Clock;
import dev.backlot.Fake;
import dev.backlot.wire.Hints;
import dev.backlot.wire.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone launcher: every fake from the command line, for tests in any language.
 *
 * <pre>
 * java -jar backlot-standalone.jar [--fakes http,comfyui] [--port http=8080] [--seed 42]
 *                                  [--config backlot.yaml] [--endpoints-file endpoints.json]
 *                                  [--admin-port 0]
 * </pre>
 *
 * Once every fake serves it prints {@code Backlot ready} and, on the next line, a JSON object of
 * name to base URL (plus {@code admin}, the control API), and writes the same JSON atomically to
 * the endpoints file. It stops cleanly on SIGINT or SIGTERM (exit 0). A bad flag or config prints
 * one line naming the problem and exits 2; a port already in use exits 1.
 *
 * <p>Config (JSON or YAML) has the same meaning as the Java builders:
 *
 * <pre>
 * clock: manual          # or system (default); advance it with POST /clock/advance on admin
 * seed: 42
 * fakes:
 *   http:
 *     port: 9000
 *     stubs:
 *       - {method: GET, path: /health, status: 200, json: {ok: true}}
 * </pre>
 */
public final class Launcher {

  static final String USAGE =
      "usage: backlot [--fakes a,b] [--port name=PORT]... [--seed N] [--config FILE]"
          + " [--endpoints-file FILE] [--ca-pem FILE] [--admin-port PORT] [--admin-token TOKEN] [--help]";

  static final List<String> OPTIONS = List.of(
      "--fakes", "--port", "--seed", "--config", "--endpoints-file", "--ca-pem", "--admin-port", "--admin-token",
      "--help");

  /** What {@code --help} prints. */
  static String help() {
    return USAGE + "\n\n"
        + "Starts fakes of real backends on loopback ports and prints, once all serve, a line\n"
        + "'Backlot ready' and a JSON map of name -> base URL (plus 'admin', the control API).\n\n"
        + "Options:\n"
        + "  --fakes a,b           which fakes to start (default: all): " + String.join(", ", FakeCatalog.names()) + "\n"
        + "  --port name=PORT      a fixed port for one fake (repeatable; default: a random free port)\n"
        + "  --seed N              seed of every fake's faults and ids: same seed, same run\n"
        + "  --config FILE         initial state, stubs and faults (JSON or YAML), see below\n"
        + "  --endpoints-file FILE also write the endpoints JSON to FILE (atomically)\n"
        + "  --ca-pem FILE         write the test CA that TLS fakes ({\"tls\": true}) serve under, as PEM\n"
        + "  --admin-port PORT     the control API's port (default: random)\n"
        + "  --admin-token TOKEN   require 'Authorization: Bearer TOKEN' on the control API\n"
        + "  --help                this text\n\n"
        + "Config example (YAML; the same keys in JSON):\n"
        + "  clock: manual            # or system; advance with POST /clock/advance {\"millis\": N}\n"
        + "  seed: 42\n"
        + "  fakes:\n"
        + "    http:\n"
        + "      port: 9000\n"
        + "      stubs:\n"
        + "        - {method: GET, path: /health, status: 200, json: {ok: true}}\n"
        + "      faults:\n"
        + "        - {method: GET, path: /health, when: {next: 2}, action: status, status: 503}\n\n"
        + "Control API (admin): GET /fakes, POST /fakes/{name}/reset, GET /fakes/{name}/journal,\n"
        + "POST|DELETE /fakes/{name}/stubs, GET|POST|DELETE /fakes/{name}/faults, POST /clock/advance.\n"
        + "Open the admin URL in a browser for the dashboard: fakes, live traffic, faults, jobs, clock.\n"
        + "It answers loopback Host and Origin only and takes JSON bodies only.\n\n"
        + "Stop with SIGTERM (or Ctrl-C in a terminal): exit 0. Bad flags or config: exit 2.\n";
  }

  private Launcher() {}

  /** Fakes started by {@link #start}: serve until {@link #close()}. */
  public static final class Running implements AutoCloseable {
    private final FakeSet fakes;
    private final AdminServer admin;
    private final Map<String, String> endpoints;
    private final CountDownLatch closed = new CountDownLatch(1);

    Running(FakeSet fakes, AdminServer admin, Map<String, String> endpoints) {
      this.fakes = fakes;
      this.admin = admin;
      this.endpoints = endpoints;
    }

    /** Name to base URL, with "admin" last. */
    public Map<String, String> endpoints() {
      return endpoints;
    }

    public FakeSet fakes() {
      return fakes;
    }

    public void await() throws InterruptedException {
      closed.await();
    }

    @Override
    public void close() {
      try {
        admin.close();
        fakes.close();
      } finally {
        closed.countDown();
      }
    }
  }

  public static void main(String[] args) {
    // the standalone jar's binding (slf4j-simple): warnings and errors only, on stderr
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(help());
      System.exit(0);
      return;
    }
    Running running;
    try {
      running = start(args, System.out);
    } catch (UsageError e) {
      System.err.println("backlot: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (UncheckedIOException e) {
      System.err.println("backlot: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runnable stop =
        () -> {
          running.close();
          System.out.flush();
        };
    onSignal("TERM", stop);
    onSignal("INT", stop);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "backlot-shutdown"));
    try {
      running.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(0);
  }

  /** Handles the signal ourselves so that SIGTERM ends with exit code 0, not 143. */
  @SuppressWarnings("restriction")
  private static void onSignal(String name, Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException unsupported) {
      // the shutdown hook still closes everything
    }
  }

  /** Parses {@code args}, starts the fakes and the admin API, prints the ready lines to {@code out}. */
  public static Running start(String[] args, PrintStream out) {
    Options o = Options.parse(args);
    JsonNode config = o.config == null ? Json.object() : readConfig(o.config);
    Clock clock = clockOf(config.path("clock"));
    JsonNode fakesConfig = config.path("fakes");
    if (!fakesConfig.isMissingNode() && !fakesConfig.isObject()) {
      throw new UsageError("config 'fakes' must be an object of fake name to settings");
    }
    for (String key : iterable(config.fieldNames())) {
      if (!List.of("clock", "seed", "fakes").contains(key)) {
        throw new UsageError("config: " + Hints.unknown("key", key, List.of("clock", "seed", "fakes")));
      }
    }
    for (String name : iterable(fakesConfig.fieldNames())) {
      FakeCatalog.entry(name); // unknown names fail here, with the list of known ones
    }
    List<String> names = o.fakes != null ? o.fakes : new ArrayList<>(FakeCatalog.names());
    for (String p : o.ports.keySet()) {
      if (!names.contains(p)) {
        throw new UsageError("--port names '" + p + "', which is not started (starting: " + String.join(",", names) + ")");
      }
    }

    Long seed = o.seed != null ? o.seed : config.has("seed") ? config.get("seed").asLong() : null;
    Map<String, Fake> fakes = new LinkedHashMap<>();
    for (String name : names) {
      JsonNode settings = fakesConfig.path(name).isMissingNode() ? null : fakesConfig.get(name);
      try {
        fakes.put(name, FakeCatalog.entry(name).build(clock, settings, o.ports.get(name), seed));
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        // "unknown setting 'x' for NAME; ..." names the fake already
        throw new UsageError(
            m.startsWith("unknown setting '") ? "config: " + m : "config for " + name + ": " + m);
      }
    }
    FakeSet set = FakeSet.of(new ArrayList<>(fakes.values())).start();
    AdminServer admin;
    try {
      admin = new AdminServer.Builder().fakes(fakes).token(o.adminToken).port(o.adminPort).clock(clock)
          .journal(256, 1024) // the admin's own journal: the dashboard's event stream lands there
          .start();
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }

    Map<String, String> endpoints = new LinkedHashMap<>();
    fakes.forEach((name, f) -> endpoints.put(name, urlOf(name, f)));
    endpoints.put("admin", admin.baseUri().toString());
    String json = Json.write(endpoints);
    if (o.caPem != null) {
      dev.backlot.tls.TlsCertificates.shared().writeCaPem(o.caPem);
    }
    if (o.endpointsFile != null) {
      writeAtomically(o.endpointsFile, json + "\n");
    }
    out.println("Backlot ready");
    out.println(json);
    out.flush();
    return new Running(set, admin, Map.copyOf(endpoints));
  }

  private static String urlOf(String name, Fake f) {
    return f.baseUri().toString(); // redis://127.0.0.1:PORT for Redis
  }

  private static Clock clockOf(JsonNode v) {
    if (v.isMissingNode() || v.asText().equals("system")) {
      return Clock.system();
    }
    if (v.asText().equals("manual")) {
      return Clock.manual();
    }
    throw new UsageError("config 'clock' must be \"system\" or \"manual\", not " + v);
  }

  static JsonNode readConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageError("config file not found: " + file);
    }
    String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    ObjectMapper mapper =
        n.endsWith(".yaml") || n.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : Json.mapper();
    try {
      JsonNode node = mapper.readTree(file.toFile());
      if (node == null || node.isMissingNode()) {
        return Json.object();
      }
      if (!(node instanceof ObjectNode)) {
        throw new UsageError("config " + file + " must hold an object at the top");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // the original message only: Jackson's "Source: ..." location lines are noise here
      var where = e.getLocation();
      throw new UsageError("config " + file + " is not valid"
          + (where != null ? " at line " + where.getLineNr() + ", column " + where.getColumnNr() : "")
          + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
              .replaceAll(" ?\\(start marker at \\[Source:.*$", "")
              .replaceAll(" ?\\[Source:.*$", ""));
    } catch (IOException e) {
      throw new UsageError("config " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static void writeAtomically(Path target, String content) {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".backlot-endpoints", ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write endpoints file " + target, e);
    }
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }

  /** The parsed command line. */
  static final class Options {
    List<String> fakes;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    Long seed;
    Path config;
    Path endpointsFile;
    Path caPem;
    int adminPort;
    String adminToken;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--fakes" -> {
            String v = value != null ? value : next(args, ++i, a);
            o.fakes = new ArrayList<>();
            for (String n : v.split(",")) {
              String name = n.trim();
              if (name.isEmpty()) {
                continue;
              }
              FakeCatalog.entry(name);
              if (!o.fakes.contains(name)) {
                o.fakes.add(name);
              }
            }
            if (o.fakes.isEmpty()) {
              throw new UsageError("--fakes needs at least one name");
            }
          }
          case "--port" -> {
            String v = value != null ? value : next(args, ++i, a);
            int e = v.indexOf('=');
            if (e <= 0) {
              throw new UsageError("--port takes name=PORT, not '" + v + "'");
            }
            o.ports.put(v.substring(0, e), port(v.substring(e + 1), "--port " + v));
          }
          case "--seed" -> {
            String v = value != null ? value : next(args, ++i, a);
            try {
              o.seed = Long.parseLong(v);
            } catch (NumberFormatException ex) {
              throw new UsageError("--seed takes a whole number, not '" + v + "'");
            }
          }
          case "--config" -> o.config = Path.of(value != null ? value : next(args, ++i, a));
          case "--ca-pem" -> o.caPem = Path.of(value != null ? value : next(args, ++i, a));
          case "--endpoints-file" -> o.endpointsFile = Path.of(value != null ? value : next(args, ++i, a));
          case "--admin-port" -> o.adminPort = port(value != null ? value : next(args, ++i, a), "--admin-port");
          case "--admin-token" -> {
            o.adminToken = value != null ? value : next(args, ++i, a);
            if (o.adminToken.isBlank()) {
              throw new UsageError("--admin-token needs a non-empty token");
            }
          }
          default -> throw new UsageError(Hints.unknown("option", a, OPTIONS));
        }
      }
      return o;
    }

    private static String next(String[] args, int i, String flag) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new UsageError(flag + " needs a value");
      }
      return args[i];
    }

    private static int port(String v, String what) {
      try {
        int p = Integer.parseInt(v.trim());
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        return p;
      } catch (NumberFormatException e) {
        throw new UsageError(what + ": '" + v + "' is not a port (0-65535)");
      }
    }
  }
}
