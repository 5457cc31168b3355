package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.engine.Ids;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chunked file uploads ({@code /fileuploads}) and the assets they become. An upload is created
 * Uploading, takes numbered segments (0-based), and is closed by the client setting state 2;
 * the post-processing job then moves it through PostProcessing and Transferring to Finished with
 * an asset id. An upload that gets no segment for {@link #IDLE_TIMEOUT} on the fake's clock
 * turns Timeout and drops its bytes. Segments are held in memory: an upload may not declare more
 * than the fake's upload cap, nor receive more bytes than it declared.
 */
final class Uploads {

  /** How long an upload may sit idle before it times out (Tightrope's example: 4 hours). */
  static final Duration IDLE_TIMEOUT = Duration.ofHours(4);

  /** One upload. Guarded by the Uploads lock. */
  static final class Upload {
    final long id;
    final String fileName;
    final Long destinationStore;
    final int totalSegments;
    final Long size;
    final TreeMap<Integer, byte[]> segments = new TreeMap<>();
    String state = "Uploading";
    Long asset;
    Clock.Cancellable timeout;

    Upload(long id, String fileName, Long destinationStore, int totalSegments, Long size) {
      this.id = id;
      this.fileName = fileName;
      this.destinationStore = destinationStore;
      this.totalSegments = totalSegments;
      this.size = size;
    }

    long received() {
      long n = 0;
      for (byte[] b : segments.values()) {
        n += b.length;
      }
      return n;
    }
  }

  /** A finished upload's file. */
  record Asset(long id, String fileName, Long fileStore, byte[] bytes) {}

  private final Ids ids;
  private final Clock clock;
  private final long maxUploadBytes;
  private final Map<Long, Upload> uploads = new LinkedHashMap<>();
  private final Map<Long, Asset> assets = new LinkedHashMap<>();

  Uploads(Ids ids, Clock clock, long maxUploadBytes) {
    this.ids = ids;
    this.clock = clock;
    this.maxUploadBytes = maxUploadBytes;
  }

  /** Creates an upload from a checked {@code fileUpload} body; returns its id. */
  synchronized long create(ObjectNode in) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    in.fieldNames().forEachRemaining(n -> {
      if (!List.of("id", "fileName", "destinationStore", "totalSegments", "size", "state", "asset")
          .contains(n)) {
        Writes.add(errors, "fileUpload." + n, "Unknown member '" + n + "' on fileUpload.");
      }
    });
    JsonNode name = in.get("fileName");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      Writes.add(errors, "fileUpload.fileName", "The fileName field is required.");
    }
    JsonNode segs = in.get("totalSegments");
    if (segs == null || !segs.isIntegralNumber() || !segs.canConvertToInt()
        || segs.asInt() < 1 || segs.asInt() > 100_000) {
      Writes.add(errors, "fileUpload.totalSegments",
          "totalSegments must be a whole number from 1 to 100000, not " + segs + ".");
    }
    JsonNode size = in.get("size");
    if (size != null && !size.isNull()
        && (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0)) {
      Writes.add(errors, "fileUpload.size", "size must be a whole number of bytes, not " + size + ".");
    } else if (size != null && size.asLong() > maxUploadBytes) {
      Writes.add(errors, "fileUpload.size",
          "size " + size.asLong() + " is over this server's upload limit of " + maxUploadBytes + " bytes.");
    }
    JsonNode store = in.get("destinationStore");
    if (store != null && !store.isNull() && (!store.isIntegralNumber() || !store.canConvertToLong())) {
      Writes.add(errors, "fileUpload.destinationStore", "Error converting value " + store + " to type 'System.Int32'.");
    }
    if (!errors.isEmpty()) {
      throw Errors.invalid(errors);
    }
    long id = ids.next("fileUpload");
    Upload u = new Upload(id, name.asText(),
        store == null || store.isNull() ? null : store.asLong(), segs.asInt(),
        size == null || size.isNull() ? null : size.asLong());
    uploads.put(id, u);
    armTimeout(u);
    return id;
  }

  /** Stores segment {@code index} of an Uploading upload (a resend replaces it). */
  synchronized void segment(long id, int index, byte[] bytes) {
    Upload u = require(id);
    if (!u.state.equals("Uploading")) {
      throw Errors.invalid("segment", "Upload " + id + " is " + u.state + "; it takes no more segments.");
    }
    if (index < 0 || index >= u.totalSegments) {
      throw Errors.invalid("segment",
          "Segment " + index + " is out of range: this upload has segments 0 to " + (u.totalSegments - 1) + ".");
    }
    byte[] old = u.segments.get(index);
    long after = u.received() - (old == null ? 0 : old.length) + bytes.length;
    long cap = u.size != null ? u.size : maxUploadBytes;
    if (after > cap) {
      throw Errors.invalid("file", "The segments would hold " + after + " bytes, over the "
          + (u.size != null ? "declared size of " : "upload limit of ") + cap + " bytes.");
    }
    u.segments.put(index, bytes.clone());
    armTimeout(u);
  }

  /** Checks that an upload may be closed (state 2); throws a 400 if not. Changes nothing. */
  synchronized void checkComplete(long id, ObjectNode in) {
    Upload u = require(id);
    Map<String, List<String>> errors = new LinkedHashMap<>();
    JsonNode state = in.get("state");
    if (state == null || !state.isIntegralNumber() || state.asInt() != 2) {
      Writes.add(errors, "fileUpload.state",
          "Only state 2 (UploadingComplete) may be set by a client, not " + state + ".");
    } else if (!u.state.equals("Uploading")) {
      Writes.add(errors, "fileUpload.state", "Upload " + id + " is " + u.state + ", not Uploading.");
    } else {
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < u.totalSegments && missing.size() < 20; i++) {
        if (!u.segments.containsKey(i)) {
          missing.add(i);
        }
      }
      if (!missing.isEmpty()) {
        Writes.add(errors, "fileUpload.state", "Segments missing: " + missing + ".");
      } else if (u.size != null && u.received() != u.size) {
        Writes.add(errors, "fileUpload.state",
            "Received " + u.received() + " bytes but the upload declared " + u.size + ".");
      }
    }
    if (!errors.isEmpty()) {
      throw Errors.invalid(errors);
    }
    if (u.timeout != null) {
      u.timeout.cancel();
    }
  }

  synchronized void state(long id, String state) {
    Upload u = uploads.get(id);
    if (u != null) {
      u.state = state;
    }
  }

  /** The post-processing finished: the bytes become an asset. */
  synchronized void finish(long id) {
    Upload u = uploads.get(id);
    if (u == null) {
      return;
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    u.segments.values().forEach(all::writeBytes);
    long assetId = ids.next("asset");
    assets.put(assetId, new Asset(assetId, u.fileName, u.destinationStore, all.toByteArray()));
    u.segments.clear();
    u.asset = assetId;
    u.state = "Finished";
  }

  synchronized boolean exists(long id) {
    return uploads.containsKey(id);
  }

  /** The upload as {@code fileUpload} JSON, or null. */
  synchronized ObjectNode render(long id) {
    Upload u = uploads.get(id);
    if (u == null) {
      return null;
    }
    ObjectNode o = Json.object();
    o.put("id", u.id);
    o.put("fileName", u.fileName);
    putLong(o, "destinationStore", u.destinationStore);
    o.put("totalSegments", u.totalSegments);
    putLong(o, "size", u.size);
    o.put("state", CablecastStates.uploadCode(u.state));
    putLong(o, "asset", u.asset);
    return o;
  }

  synchronized List<Long> ids() {
    return new ArrayList<>(uploads.keySet());
  }

  synchronized String stateName(long id) {
    Upload u = uploads.get(id);
    return u == null ? null : u.state;
  }

  synchronized Asset asset(long id) {
    return assets.get(id);
  }

  synchronized List<Asset> assets() {
    return new ArrayList<>(assets.values());
  }

  synchronized void clear() {
    for (Upload u : uploads.values()) {
      if (u.timeout != null) {
        u.timeout.cancel();
      }
    }
    uploads.clear();
    assets.clear();
  }

  private Upload require(long id) {
    Upload u = uploads.get(id);
    if (u == null) {
      throw Errors.notFound("fileUpload", id);
    }
    return u;
  }

  private void armTimeout(Upload u) {
    if (u.timeout != null) {
      u.timeout.cancel();
    }
    u.timeout = clock.schedule(IDLE_TIMEOUT, () -> {
      synchronized (this) {
        if (uploads.get(u.id) == u && u.state.equals("Uploading")) {
          u.state = "Timeout";
          u.segments.clear();
        }
      }
    });
  }

  private static void putLong(ObjectNode o, String key, Long v) {
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }
}
