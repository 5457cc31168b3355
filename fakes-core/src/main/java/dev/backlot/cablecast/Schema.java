package dev.backlot.cablecast;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The resources the fake serves and their fields: what a record looks like, which fields a write
 * may set, which fields point at other records (and which list on the other side mirrors them).
 * Everything else (validation, sideloading, filters, cascades) is driven from this table, so the
 * resources stay consistent with each other.
 */
final class Schema {

  /** How a field's value is typed on the wire. */
  enum Type {
    STRING, BOOL, INT, LONG, DATETIME,
    /** An id of a record of {@link Field#ref()}, or null. */
    REF,
    /** An array of ids of records of {@link Field#ref()}. */
    REFS,
    /** An array of objects, stored as sent (a show's {@code customFields}). */
    OBJECTS
  }

  /**
   * One field.
   *
   * @param ref the resource a REF/REFS field points at
   * @param inverse for a REF: the REFS field on the target that lists this record
   * @param writable whether POST/PUT may set it (read-only fields are accepted and ignored)
   * @param required whether POST must give it
   */
  record Field(String name, Type type, String ref, String inverse, boolean writable, boolean required) {
    boolean isRef() {
      return type == Type.REF || type == Type.REFS;
    }
  }

  /**
   * One resource.
   *
   * @param type singular root and the name {@code include=} uses ({@code show}, {@code scheduleItem})
   * @param plural the list root ({@code shows}, {@code scheduleItems})
   * @param path the URL segment ({@code shows}, {@code scheduleitems})
   * @param search the fields {@code search=} looks in
   * @param writable whether POST/PUT/DELETE exist for it
   */
  record Kind(String type, String plural, String path, Map<String, Field> fields,
      List<String> search, boolean writable) {

    Field field(String name) {
      return fields.get(name);
    }

    @Override
    public String toString() {
      return type;
    }
  }

  static final Kind LOCATION = kind("location", "locations", false, List.of("name"))
      .text("name", true).build();
  static final Kind CHANNEL = kind("channel", "channels", false, List.of("name"))
      .text("name", true).ref("primaryLocation", "location", null, true, false).build();
  static final Kind CATEGORY = kind("category", "categories", false, List.of("name"))
      .text("name", true).ref("location", "location", null, true, false).build();
  static final Kind PRODUCER = kind("producer", "producers", false, List.of("name", "contact"))
      .text("name", true).text("contact", false).text("email", false)
      .ref("location", "location", null, true, false).build();
  static final Kind PROJECT = kind("project", "projects", false, List.of("name", "description"))
      .text("name", true).text("description", false)
      .ref("producer", "producer", null, true, false).ref("location", "location", null, true, false)
      .build();
  static final Kind VOD_CONFIGURATION =
      kind("vodConfiguration", "vodConfigurations", false, List.of("name"))
          .text("name", true).ref("location", "location", null, true, false).build();
  static final Kind SHOW = kind("show", "shows", true, List.of("title", "cgTitle", "comments"))
      .text("title", true).text("cgTitle", false).bool("cgExempt").text("comments", false)
      .field("eventDate", Type.DATETIME, true, false)
      .field("lastModified", Type.DATETIME, false, false)
      .ref("location", "location", null, true, false)
      .ref("producer", "producer", null, true, false)
      .ref("category", "category", null, true, false)
      .ref("project", "project", null, true, false)
      .refs("reels", "reel").refs("vods", "vod")
      .field("totalRunTime", Type.INT, false, false)
      .field("customFields", Type.OBJECTS, true, false)
      .build();
  static final Kind REEL = kind("reel", "reels", true, List.of())
      .ref("show", "show", "reels", true, true)
      .field("media", Type.INT, true, false)
      .field("reelNumber", Type.INT, true, false)
      .field("cue", Type.INT, true, false)
      .field("length", Type.INT, true, false)
      .build();
  static final Kind VOD = kind("vod", "vods", true, List.of("fileName"))
      .ref("show", "show", "vods", true, true)
      .ref("vodConfiguration", "vodConfiguration", null, true, false)
      .text("fileName", false)
      .bool("chaptersPublished")
      .field("url", Type.STRING, false, false)
      .field("embedCode", Type.STRING, false, false)
      .field("isWatchable", Type.BOOL, false, false)
      .field("vodState", Type.STRING, false, false)
      .field("percentComplete", Type.INT, false, false)
      .refs("vodTransactions", "vodTransaction")
      .ref("lastTransaction", "vodTransaction", null, false, false)
      .build();
  static final Kind VOD_TRANSACTION =
      kind("vodTransaction", "vodTransactions", false, List.of("description"))
          .ref("vod", "vod", "vodTransactions", false, true)
          .field("transactionType", Type.INT, false, false)
          .field("description", Type.STRING, false, false)
          .field("dateTime", Type.DATETIME, false, false)
          .build();
  static final Kind SCHEDULE_ITEM = kind("scheduleItem", "scheduleItems", true, List.of())
      .ref("channel", "channel", null, true, true)
      .ref("show", "show", null, true, true)
      .field("runDateTime", Type.DATETIME, true, true)
      .field("idType", Type.INT, true, false)
      .bool("cgExempt").bool("filler").bool("deleted")
      .build();

  /** Every resource, in the order ids and cascades consider them. */
  static final List<Kind> ALL = List.of(LOCATION, CHANNEL, CATEGORY, PRODUCER, PROJECT,
      VOD_CONFIGURATION, SHOW, REEL, VOD, VOD_TRANSACTION, SCHEDULE_ITEM);

  private static final Map<String, Kind> BY_PATH = new LinkedHashMap<>();
  private static final Map<String, Kind> BY_NAME = new LinkedHashMap<>();

  static {
    for (Kind k : ALL) {
      BY_PATH.put(k.path(), k);
      BY_NAME.put(k.type().toLowerCase(Locale.ROOT), k);
      BY_NAME.put(k.plural().toLowerCase(Locale.ROOT), k);
    }
  }

  /**
   * Include names Cablecast knows but this fake does not model: they sideload as empty lists
   * under these plural keys, so clients that read them find the key.
   */
  static final Map<String, String> UNMODELLED_INCLUDES = Map.of(
      "webfile", "webFiles", "thumbnail", "thumbnails", "chapter", "chapters",
      "firstrun", "firstRuns", "media", "media");

  private Schema() {}

  /** The resource at URL segment {@code path} (case-insensitive), or null. */
  static Kind byPath(String path) {
    return BY_PATH.get(path.toLowerCase(Locale.ROOT));
  }

  /** The resource an {@code include=} name means (singular or plural, any case), or null. */
  static Kind byIncludeName(String name) {
    return BY_NAME.get(name.toLowerCase(Locale.ROOT));
  }

  private static KindBuilder kind(String type, String plural, boolean writable, List<String> search) {
    return new KindBuilder(type, plural, writable, search);
  }

  private static final class KindBuilder {
    private final String type;
    private final String plural;
    private final boolean writable;
    private final List<String> search;
    private final Map<String, Field> fields = new LinkedHashMap<>();

    KindBuilder(String type, String plural, boolean writable, List<String> search) {
      this.type = type;
      this.plural = plural;
      this.writable = writable;
      this.search = search;
    }

    KindBuilder text(String name, boolean required) {
      return put(new Field(name, Type.STRING, null, null, true, required));
    }

    KindBuilder bool(String name) {
      return put(new Field(name, Type.BOOL, null, null, true, false));
    }

    KindBuilder field(String name, Type t, boolean writable, boolean required) {
      return put(new Field(name, t, null, null, writable, required));
    }

    KindBuilder ref(String name, String target, String inverse, boolean writable, boolean required) {
      return put(new Field(name, Type.REF, target, inverse, writable, required));
    }

    KindBuilder refs(String name, String target) {
      return put(new Field(name, Type.REFS, target, null, false, false));
    }

    private KindBuilder put(Field f) {
      fields.put(f.name(), f);
      return this;
    }

    Kind build() {
      return new Kind(type, plural, plural.toLowerCase(Locale.ROOT),
          Collections.unmodifiableMap(new LinkedHashMap<>(fields)), List.copyOf(new ArrayList<>(search)),
          writable);
    }
  }
}
