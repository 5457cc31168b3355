package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.jobs.JobEngine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Tightrope Cablecast fake: the {@code /cablecastapi/v1} REST API in Ember-Data style (shows
 * with reels, VODs, channels, locations, schedule items, categories, producers, projects, VOD
 * configurations), {@code include=} sideloading, paging and filters, writes behind HTTP Basic
 * auth, VOD transcoding and chunked file uploads on a {@link JobEngine}.
 *
 * <pre>{@code
 * try (CablecastFake cc = CablecastFake.builder().clock(Clock.manual()).start()) {
 *   HttpResponse<String> r = http.send(HttpRequest.newBuilder(
 *       cc.baseUri().resolve("/cablecastapi/v1/shows?include=reel,vod&page_size=-1")).build(),
 *       BodyHandlers.ofString());
 *   // {"shows":[...12 shows...],"reels":[...],"vods":[...],"meta":{"count":12,"pageSize":12,"offset":0}}
 * }
 * }</pre>
 *
 * <p>A bare fake serves a {@linkplain Builder#emptyLibrary() default library} (see the package
 * notes); reads are anonymous; writes need {@code admin}/{@code admin} unless {@link
 * Builder#credentials} says otherwise.
 */
public final class CablecastFake extends FakeServer<CablecastFake> {

  private final String username;
  private final String password;
  private final Library library;
  private final Uploads uploads;
  private final Processing processing;
  private final Api api;
  private final CablecastLibrary declare;
  private volatile Library.Snapshot defaultLibrary;

  /** A fake with the defaults (as {@code builder().build()}): random port, system clock. */
  public CablecastFake() {
    this(new Builder());
  }

  private CablecastFake(Builder b) {
    super("cablecast", b);
    this.username = b.username;
    this.password = b.password;
    Dates dates = new Dates(b.zone);
    this.library = new Library(ids(), clock(), dates);
    this.uploads = new Uploads(ids(), clock(), b.maxUploadBytes);
    this.processing = new Processing(clock(), b.processingTime, b.steps, library, uploads);
    this.api = new Api(this);
    this.declare = new CablecastLibrary(this, library);
  }

  /** A builder: default library, admin/admin, UTC, 1 s of processing per job. */
  public static Builder builder() {
    return new Builder();
  }

  // Called from the engine's constructor, before this class's fields are set: handlers are
  // lambdas that read the fields when a request arrives.
  @Override
  protected void routes(Routes r) {
    r.get("/vod/{id}/{file}", req -> api.vodFile(req)); // before the generic three-segment route
    for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
      r.add(method, "/{api}/{version}/{resource}", req -> api.collection(req))
          .add(method, "/{api}/{version}/{resource}/{id}", req -> api.member(req))
          .add(method, "/{api}/{version}/{resource}/{id}/{action}", req -> api.action(req));
    }
  }

  /** ASP.NET Web API's JSON errors: {@code {"message": ..., "modelState": {...}}}. */
  @Override
  protected ErrorShape errorShape() {
    return Errors.SHAPE;
  }

  @Override
  protected Response noRoute(Request request) {
    return Errors.SHAPE.render(Errors.noResource(publicBase() + request.target()));
  }

  @Override
  protected void resetState() {
    processing.reset();
    uploads.clear();
    library.clear();
  }

  @Override
  protected void onClose() {
    processing.close();
  }

  // ------------------------------------------------------------------ test API

  /**
   * The job engine running VOD transcodes (job {@code vod-<id>}) and upload post-processing (job
   * {@code upload-<id>}): script failures and stalls on it, and advance a manual clock to move
   * them.
   */
  public JobEngine jobs() {
    return processing.jobs();
  }

  /** A copy of a stored record ({@code "show"}, {@code "scheduleItem"}, ...) as the API shows it. */
  public Optional<JsonNode> record(String type, long id) {
    return Optional.ofNullable(library.get(kindNamed(type), id));
  }

  /** Copies of every stored record of a type, by id. */
  public List<JsonNode> records(String type) {
    return new ArrayList<>(library.all(kindNamed(type)));
  }

  /** How many records of a type are stored. */
  public int count(String type) {
    return library.count(kindNamed(type));
  }

  /** Adds records with the same declarations the builder's {@link Builder#library} takes. */
  public CablecastFake declare(Consumer<CablecastLibrary> library) {
    synchronized (this.library) {
      library.accept(declare);
    }
    return this;
  }

  /** An upload's state name (Uploading, UploadingComplete, ..., Finished, Timeout), if it exists. */
  public Optional<String> uploadState(long id) {
    return Optional.ofNullable(uploads.stateName(id));
  }

  /** The bytes of an asset a finished upload made. */
  public Optional<byte[]> assetBytes(long id) {
    Uploads.Asset a = uploads.asset(id);
    return a == null ? Optional.empty() : Optional.of(a.bytes().clone());
  }

  /** The user name writes must send. */
  public String username() {
    return username;
  }

  /** The password writes must send. */
  public String password() {
    return password;
  }

  /** The value of an {@code Authorization} header that writes accept. */
  public String authorization() {
    return "Basic " + Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ package internals

  Library library() {
    return library;
  }

  Uploads uploads() {
    return uploads;
  }

  Processing processing() {
    return processing;
  }

  /** The base URL links point at; before the first start (builder setup), a placeholder. */
  String publicBase() {
    try {
      return baseUri().toString();
    } catch (IllegalStateException notStarted) {
      return "http://127.0.0.1";
    }
  }

  /** Throws a 401 unless the request carries the right Basic credentials. */
  void authorize(Request req) {
    String h = req.header("Authorization");
    if (h == null || h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw Errors.denied();
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(h.substring(6).trim());
    } catch (IllegalArgumentException e) {
      throw Errors.denied();
    }
    byte[] wanted = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, wanted)) {
      throw Errors.denied();
    }
  }

  private static Schema.Kind kindNamed(String type) {
    Schema.Kind k = Schema.byIncludeName(type);
    if (k == null) {
      throw new IllegalArgumentException("no Cablecast resource '" + type + "'; known: "
          + Schema.ALL.stream().map(Schema.Kind::type).toList());
    }
    return k;
  }

  // ------------------------------------------------------------------ builder

  /**
   * The initial state of a {@link CablecastFake}: its library (the default one, or none, plus
   * your declarations), credentials, time zone and job timing; restored by every reset.
   *
   * <pre>{@code
   * CablecastFake cc = CablecastFake.builder()
   *     .credentials("api", "s3cret")
   *     .zone(ZoneId.of("America/Chicago"))
   *     .processingTime(Duration.ofSeconds(30))
   *     .library(lib -> lib.show("Extra Show").reel(600).create())
   *     .clock(Clock.manual())
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, CablecastFake> {
    private String username = "admin";
    private String password = "admin";
    private ZoneId zone = ZoneOffset.UTC;
    private Duration processingTime = Duration.ofSeconds(1);
    private int steps = 4;
    private long maxUploadBytes = 256L * 1024 * 1024;
    private boolean defaultLibrary = true;
    private final List<Consumer<CablecastLibrary>> declarations = new ArrayList<>();

    private Builder() {
      setup(f -> f.populate(this));
    }

    /** The user name and password writes must send (default admin / admin). */
    public Builder credentials(String username, String password) {
      if (Objects.requireNonNull(username, "username").contains(":")) {
        throw new IllegalArgumentException("a Basic auth user name cannot contain ':'");
      }
      this.username = username;
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Starts from no records at all instead of the default library. */
    public Builder emptyLibrary() {
      this.defaultLibrary = false;
      return this;
    }

    /** Records to add after the default library (or to an empty one), in order. */
    public Builder library(Consumer<CablecastLibrary> declarations) {
      this.declarations.add(Objects.requireNonNull(declarations, "declarations"));
      return this;
    }

    /** The station's time zone: date-times are written with its offset (default UTC). */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /** How long a VOD transcode or an upload's post-processing takes on the clock (default 1 s). */
    public Builder processingTime(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("processing time must not be negative: " + d);
      }
      this.processingTime = d;
      return this;
    }

    /** The largest upload accepted, summed over its segments (default 256 MiB). */
    public Builder maxUploadBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxUploadBytes must be positive: " + max);
      }
      this.maxUploadBytes = max;
      return this;
    }

    /**
     * Launcher/config keys: {@code "username"}, {@code "password"}, {@code "library"}
     * ({@code "default"} or {@code "empty"}), {@code "zone"} (e.g. {@code "America/Chicago"}),
     * {@code "processingMillis"}, {@code "maxUploadBytes"}.
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "username", "password", "library", "zone",
          "processingMillis", "maxUploadBytes");
    }

    @Override
    protected String fakeName() {
      return "cablecast";
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "username" -> credentials(text(key, value), password);
        case "password" -> credentials(username, text(key, value));
        case "library" -> {
          String v = text(key, value);
          if (v.equals("empty")) {
            emptyLibrary();
          } else if (v.equals("default")) {
            defaultLibrary = true;
          } else {
            throw new IllegalArgumentException("'library' must be \"default\" or \"empty\", not " + value);
          }
        }
        case "zone" -> {
          try {
            zone(ZoneId.of(text(key, value)));
          } catch (DateTimeException e) {
            throw new IllegalArgumentException("'zone' is not a time zone: " + value);
          }
        }
        case "processingMillis" -> processingTime(Duration.ofMillis(longValue(key, value)));
        case "maxUploadBytes" -> maxUploadBytes(longValue(key, value));
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    private static String text(String key, JsonNode v) {
      if (v == null || !v.isTextual()) {
        throw new IllegalArgumentException("'" + key + "' must be a string, not " + v);
      }
      return v.asText();
    }

    @Override
    public CablecastFake build() {
      return new CablecastFake(this);
    }
  }

  /**
   * The default library is a function of the clock's day: built once per day, then restored
   * from a copy, so that a reset costs well under a millisecond instead of rebuilding it.
   */
  private void populate(Builder b) {
    synchronized (library) {
      if (b.defaultLibrary) {
        Instant day = library.dates().startOfDay(clock().instant());
        Library.Snapshot cached = defaultLibrary;
        if (cached != null && cached.key().equals(day) && library.isEmpty()) {
          library.restore(cached);
        } else {
          boolean fresh = library.isEmpty();
          library.pin(day);
          try {
            DefaultLibrary.populate(declare);
          } finally {
            library.pin(null);
          }
          if (fresh) {
            defaultLibrary = library.snapshot(day);
          }
        }
      }
      for (Consumer<CablecastLibrary> d : b.declarations) {
        d.accept(declare);
      }
    }
  }
}
