package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Declares a fake's library in Java: what {@link CablecastFake.Builder#library} hands to its
 * lambda, run at start and again at every reset. Each method stores a record at once and returns
 * its integer id (minted by the fake's seeded {@code ids()}), so later records can link to it.
 *
 * <pre>{@code
 * CablecastFake cc = CablecastFake.builder()
 *     .emptyLibrary()
 *     .library(lib -> {
 *       long studio = lib.location("Studio A");
 *       long ch = lib.channel("Channel 16", studio);
 *       long show = lib.show("Board Meeting").location(studio).reel(3600).create();
 *       lib.readyVod(show);
 *       lib.scheduleItem(ch, show, lib.today().plus(Duration.ofHours(19)));
 *     })
 *     .start();
 * }</pre>
 */
public final class CablecastLibrary {

  private final CablecastFake fake;
  private final Library lib;

  CablecastLibrary(CablecastFake fake, Library lib) {
    this.fake = fake;
    this.lib = lib;
  }

  /** The fake's clock now. */
  public Instant now() {
    return lib.now();
  }

  /** Midnight today on the fake's clock, in the station's zone. */
  public Instant today() {
    return lib.dates().startOfDay(now());
  }

  /** The station's time zone (date-times are written with its offset). */
  public ZoneId zone() {
    return lib.dates().zone();
  }

  /** A location (a station's site); returns its id. */
  public long location(String name) {
    return insert(Schema.LOCATION, named(name));
  }

  /** A channel playing from {@code primaryLocation}; returns its id. */
  public long channel(String name, long primaryLocation) {
    return insert(Schema.CHANNEL, named(name).put("primaryLocation", existing(Schema.LOCATION, primaryLocation)));
  }

  /** A show category; returns its id. */
  public long category(String name, long location) {
    return insert(Schema.CATEGORY, named(name).put("location", existing(Schema.LOCATION, location)));
  }

  /** A producer (its contact is its name); returns its id. */
  public long producer(String name, String email, long location) {
    return insert(Schema.PRODUCER, named(name).put("contact", name).put("email", email)
        .put("location", existing(Schema.LOCATION, location)));
  }

  /** A project of {@code producer}; returns its id. */
  public long project(String name, String description, long producer, long location) {
    return insert(Schema.PROJECT, named(name).put("description", description)
        .put("producer", existing(Schema.PRODUCER, producer))
        .put("location", existing(Schema.LOCATION, location)));
  }

  /** A VOD configuration; new VODs use the first one unless they name another. Returns its id. */
  public long vodConfiguration(String name, long location) {
    return insert(Schema.VOD_CONFIGURATION, named(name).put("location", existing(Schema.LOCATION, location)));
  }

  /** Starts declaring a show; {@link ShowSpec#create()} stores it with its reels. */
  public ShowSpec show(String title) {
    return new ShowSpec(Objects.requireNonNull(title, "title"));
  }

  /**
   * A VOD of {@code show} that is already Ready (watchable, with its Queued, Transcoding and
   * Ready transactions stamped now), as a library's existing VODs are.
   */
  public long readyVod(long show) {
    existing(Schema.SHOW, show);
    ObjectNode v = Json.object().put("show", show).put("fileName", "show-" + show + ".mp4");
    firstConfiguration(v);
    long id = insert(Schema.VOD, v);
    String now = lib.dates().format(now());
    long tx = 0;
    for (String state : List.of("Queued", "Transcoding", "Ready")) {
      tx = insert(Schema.VOD_TRANSACTION, Json.object().put("vod", id)
          .put("transactionType", CablecastStates.vodTransactionType(state))
          .put("description", state).put("dateTime", now));
    }
    lib.update(Schema.VOD, id, Json.object().put("vodState", "Ready").put("percentComplete", 100)
        .put("isWatchable", true).put("lastTransaction", tx)
        .put("url", Processing.vodPath(id, "show-" + show + ".mp4")));
    return id;
  }

  /** A VOD of {@code show} whose transcoding starts now on the fake's job engine. */
  public long transcodingVod(long show) {
    existing(Schema.SHOW, show);
    ObjectNode v = Json.object().put("show", show).put("fileName", "show-" + show + ".mp4");
    firstConfiguration(v);
    long id = insert(Schema.VOD, v);
    fake.processing().transcode(id);
    return id;
  }

  /** Schedules {@code show} on {@code channel} at {@code runDateTime} (a show item, idType 1). */
  public long scheduleItem(long channel, long show, Instant runDateTime) {
    return insert(Schema.SCHEDULE_ITEM, Json.object()
        .put("channel", existing(Schema.CHANNEL, channel))
        .put("show", existing(Schema.SHOW, show))
        .put("runDateTime", lib.dates().format(runDateTime))
        .put("idType", 1));
  }

  private void firstConfiguration(ObjectNode v) {
    List<ObjectNode> configs = lib.all(Schema.VOD_CONFIGURATION);
    if (!configs.isEmpty()) {
      v.put("vodConfiguration", configs.get(0).get("id").asLong());
    }
  }

  private long insert(Schema.Kind kind, ObjectNode values) {
    return lib.insert(kind, values);
  }

  private long existing(Schema.Kind kind, long id) {
    if (!lib.exists(kind, id)) {
      throw new IllegalArgumentException("no " + kind.type() + " with id " + id + " in the library");
    }
    return id;
  }

  private static ObjectNode named(String name) {
    return Json.object().put("name", Objects.requireNonNull(name, "name"));
  }

  /** A show being declared: its fields and reels. */
  public final class ShowSpec {
    private final ObjectNode fields = Json.object();
    private final List<Integer> reels = new ArrayList<>();

    private ShowSpec(String title) {
      fields.put("title", title).put("cgTitle", title).put("comments", "");
      fields.put("eventDate", lib.dates().format(today()));
    }

    /** The title shown on the character generator (default: the title). */
    public ShowSpec cgTitle(String cgTitle) {
      fields.put("cgTitle", cgTitle);
      return this;
    }

    /** The show's description. */
    public ShowSpec comments(String comments) {
      fields.put("comments", comments);
      return this;
    }

    /** Whether the show is kept off the character generator (and {@code include_cg_exempt=false}). */
    public ShowSpec cgExempt(boolean exempt) {
      fields.put("cgExempt", exempt);
      return this;
    }

    /** When the recorded event took place (default: midnight today). */
    public ShowSpec eventDate(Instant at) {
      fields.put("eventDate", lib.dates().format(at));
      return this;
    }

    /** The show's location (an existing id). */
    public ShowSpec location(long id) {
      fields.put("location", existing(Schema.LOCATION, id));
      return this;
    }

    /** The show's category (an existing id). */
    public ShowSpec category(long id) {
      fields.put("category", existing(Schema.CATEGORY, id));
      return this;
    }

    /** The show's producer (an existing id). */
    public ShowSpec producer(long id) {
      fields.put("producer", existing(Schema.PRODUCER, id));
      return this;
    }

    /** The show's project (an existing id). */
    public ShowSpec project(long id) {
      fields.put("project", existing(Schema.PROJECT, id));
      return this;
    }

    /** Adds a reel of {@code seconds} (reel numbers count from 1, cue 0). */
    public ShowSpec reel(int seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("a reel cannot be " + seconds + " s long");
      }
      reels.add(seconds);
      return this;
    }

    /** Stores the show and its reels; returns the show's id. */
    public long create() {
      long id = insert(Schema.SHOW, fields);
      int n = 1;
      for (int length : reels) {
        insert(Schema.REEL, Json.object().put("show", id).put("reelNumber", n++).put("cue", 0)
            .put("length", length));
      }
      return id;
    }
  }
}
