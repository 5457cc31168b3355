package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.HttpError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The writable metadata of an object (what patch, update and uploads may set). Immutable. */
record ObjectMeta(
    String contentType,
    String contentEncoding,
    String contentDisposition,
    String contentLanguage,
    String cacheControl,
    String customTime,
    String storageClass,
    Boolean eventBasedHold,
    Boolean temporaryHold,
    Map<String, String> metadata) {

  static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  ObjectMeta {
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
    storageClass = storageClass == null ? "STANDARD" : storageClass;
  }

  static ObjectMeta of(String contentType) {
    return new ObjectMeta(contentType, null, null, null, null, null, null, null, null, Map.of());
  }

  static ObjectMeta of(String contentType, Map<String, String> metadata) {
    return new ObjectMeta(contentType, null, null, null, null, null, null, null, null, metadata);
  }

  ObjectMeta withContentType(String type) {
    return new ObjectMeta(type, contentEncoding, contentDisposition, contentLanguage, cacheControl,
        customTime, storageClass, eventBasedHold, temporaryHold, metadata);
  }

  ObjectMeta withContentEncoding(String encoding) {
    return new ObjectMeta(contentType, encoding, contentDisposition, contentLanguage, cacheControl,
        customTime, storageClass, eventBasedHold, temporaryHold, metadata);
  }

  /**
   * This metadata with the fields present in {@code json} applied: a field set to null clears it;
   * {@code metadata} keys are merged and a null value removes its key (JSON-API patch semantics).
   */
  ObjectMeta patch(JsonNode json) {
    if (json == null || !json.isObject()) {
      return this;
    }
    Map<String, String> md = new TreeMap<>(metadata);
    JsonNode m = json.get("metadata");
    if (m != null) {
      if (m.isNull()) {
        md.clear();
      } else if (m.isObject()) {
        for (Map.Entry<String, JsonNode> e : m.properties()) {
          if (e.getValue().isNull()) {
            md.remove(e.getKey());
          } else {
            md.put(e.getKey(), e.getValue().asText());
          }
        }
      } else {
        throw invalid("metadata must be an object of strings");
      }
    }
    return new ObjectMeta(
        text(json, "contentType", contentType),
        text(json, "contentEncoding", contentEncoding),
        text(json, "contentDisposition", contentDisposition),
        text(json, "contentLanguage", contentLanguage),
        text(json, "cacheControl", cacheControl),
        time(json, "customTime", customTime),
        text(json, "storageClass", storageClass),
        bool(json, "eventBasedHold", eventBasedHold),
        bool(json, "temporaryHold", temporaryHold),
        md);
  }

  /** Metadata from a full resource (update / insert semantics: absent fields are unset). */
  static ObjectMeta from(JsonNode json, String fallbackContentType) {
    ObjectMeta base =
        new ObjectMeta(null, null, null, null, null, null, null, null, null, Map.of());
    ObjectMeta m = base.patch(json);
    if (m.contentType() == null && fallbackContentType != null) {
      m = m.withContentType(fallbackContentType);
    }
    return m;
  }

  private static String text(JsonNode json, String field, String current) {
    JsonNode v = json.get(field);
    if (v == null) {
      return current;
    }
    if (v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw invalid("Invalid value for " + field + ": expected a string");
    }
    return v.asText();
  }

  private static String time(JsonNode json, String field, String current) {
    String v = text(json, field, current);
    if (v != null && v != current) {
      try {
        Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw invalid("Invalid value for " + field + ": " + v);
      }
    }
    return v;
  }

  private static Boolean bool(JsonNode json, String field, Boolean current) {
    JsonNode v = json.get(field);
    if (v == null) {
      return current;
    }
    return v.isNull() ? null : v.asBoolean();
  }

  private static HttpError invalid(String message) {
    return new HttpError(400, message).with("reason", "invalid");
  }
}
