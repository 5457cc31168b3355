package dev.backlot.gcs;

import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;

/**
 * The four GCS preconditions, read from query parameters (JSON API) or {@code x-goog-if-*}
 * headers (XML API), checked against the live generation. A failed {@code *Match} is a 412
 * {@code conditionNotMet}; a failed {@code *NotMatch} is a 304 on reads and a 412 on writes.
 */
record Preconditions(
    Long ifGenerationMatch,
    Long ifGenerationNotMatch,
    Long ifMetagenerationMatch,
    Long ifMetagenerationNotMatch) {

  static final Preconditions NONE = new Preconditions(null, null, null, null);

  /** The destination preconditions of a JSON-API request. */
  static Preconditions of(Request req) {
    return new Preconditions(
        number(req, "ifGenerationMatch"),
        number(req, "ifGenerationNotMatch"),
        number(req, "ifMetagenerationMatch"),
        number(req, "ifMetagenerationNotMatch"));
  }

  /** The {@code ifSource*} preconditions of a rewrite. */
  static Preconditions ofSource(Request req) {
    return new Preconditions(
        number(req, "ifSourceGenerationMatch"),
        number(req, "ifSourceGenerationNotMatch"),
        number(req, "ifSourceMetagenerationMatch"),
        number(req, "ifSourceMetagenerationNotMatch"));
  }

  /** The preconditions of an XML-API request ({@code x-goog-if-generation-match} ...). */
  static Preconditions ofXmlHeaders(Request req) {
    return new Preconditions(
        header(req, "x-goog-if-generation-match"),
        header(req, "x-goog-if-generation-not-match"),
        header(req, "x-goog-if-metageneration-match"),
        header(req, "x-goog-if-metageneration-not-match"));
  }

  boolean isEmpty() {
    return ifGenerationMatch == null
        && ifGenerationNotMatch == null
        && ifMetagenerationMatch == null
        && ifMetagenerationNotMatch == null;
  }

  /** Checks a write against {@code live} (null when no live object exists). */
  void checkWrite(GcsObject live) {
    check(live, false);
  }

  /** Checks a read; a failed NotMatch is a 304. */
  void checkRead(GcsObject live) {
    check(live, true);
  }

  private void check(GcsObject live, boolean read) {
    if (ifGenerationMatch != null) {
      boolean ok =
          ifGenerationMatch == 0 ? live == null : live != null && live.generation() == ifGenerationMatch;
      if (!ok) {
        throw failed();
      }
    }
    if (ifMetagenerationMatch != null
        && (live == null || live.metageneration() != ifMetagenerationMatch)) {
      throw failed();
    }
    if (ifGenerationNotMatch != null) {
      boolean same =
          ifGenerationNotMatch == 0 ? live == null : live != null && live.generation() == ifGenerationNotMatch;
      if (same) {
        throw read ? notModified() : failed();
      }
    }
    if (ifMetagenerationNotMatch != null
        && live != null
        && live.metageneration() == ifMetagenerationNotMatch) {
      throw read ? notModified() : failed();
    }
  }

  static HttpError failed() {
    return new HttpError(412, "At least one of the pre-conditions you specified did not hold.")
        .with("reason", "conditionNotMet");
  }

  static HttpError notModified() {
    return new HttpError(304, "Not Modified").with("reason", "notModified");
  }

  private static Long number(Request req, String name) {
    String v = req.query(name);
    return parse(name, v);
  }

  private static Long header(Request req, String name) {
    return parse(name, req.header(name));
  }

  private static Long parse(String name, String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new HttpError(400, "Invalid argument for " + name + ": " + v).with("reason", "invalid");
    }
  }
}
