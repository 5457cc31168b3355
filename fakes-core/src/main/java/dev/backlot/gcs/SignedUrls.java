package dev.backlot.gcs;

import dev.backlot.time.Clock;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks signed URLs the way GCS does: V4 ({@code X-Goog-Algorithm}, {@code X-Goog-Credential},
 * {@code X-Goog-Date}, {@code X-Goog-Expires}, {@code X-Goog-SignedHeaders}, {@code
 * X-Goog-Signature}) and V2 ({@code GoogleAccessId}, {@code Expires}, {@code Signature}). Format
 * and expiry (against the fake's clock) are always checked; the RSA-SHA256 signature is checked
 * when the test registered the signer's public key for the credential's email. In strict mode a
 * signature that cannot be checked (unregistered signer, HMAC) is refused too.
 */
final class SignedUrls {

  private static final DateTimeFormatter GOOG_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final long MAX_EXPIRES = 604_800;

  private final Clock clock;
  private final Map<String, PublicKey> signers;
  private final boolean strict;

  SignedUrls(Clock clock, Map<String, PublicKey> signers, boolean strict) {
    this.clock = clock;
    this.signers = signers;
    this.strict = strict;
  }

  /** True when every XML-API request must carry a valid signature from a registered signer. */
  boolean strict() {
    return strict;
  }

  /** The 403 GCS gives an anonymous caller on a private object (strict mode, unsigned request). */
  static HttpError anonymous(Request req) {
    String permission = switch (req.method()) {
      case "GET", "HEAD" -> "storage.objects.get";
      case "DELETE" -> "storage.objects.delete";
      default -> "storage.objects.create";
    };
    return new HttpError(403, "Access denied.").with("xmlCode", "AccessDenied")
        .with("xmlDetails", "Anonymous caller does not have " + permission
            + " access to the Google Cloud Storage object. Permission '" + permission
            + "' denied on resource (or it may not exist).");
  }

  /** Strict mode: a signer the fake cannot check is refused; otherwise it passes unchecked. */
  private void unverifiable(String why) {
    if (strict) {
      throw mismatch("The request signature we calculated does not match the signature you "
          + "provided. Check your Google secret key and signing method. (" + why + ")", "", "");
    }
  }

  static boolean isSigned(Request req) {
    return req.hasQuery("X-Goog-Signature") || req.hasQuery("X-Goog-Algorithm")
        || (req.hasQuery("Signature") && req.hasQuery("GoogleAccessId"));
  }

  /** Throws an {@link HttpError} carrying the XML code when the request's signature fails. */
  void verify(Request req) {
    if (req.hasQuery("X-Goog-Signature") || req.hasQuery("X-Goog-Algorithm")) {
      verifyV4(req);
    } else {
      verifyV2(req);
    }
  }

  private void verifyV4(Request req) {
    String algorithm = required(req, "X-Goog-Algorithm");
    if (!algorithm.equals("GOOG4-RSA-SHA256") && !algorithm.equals("GOOG4-HMAC-SHA256")) {
      throw malformed("Invalid argument: X-Goog-Algorithm " + algorithm + " is not supported.");
    }
    String credential = required(req, "X-Goog-Credential");
    String[] cred = credential.split("/");
    if (cred.length != 5 || !cred[3].equals("storage") || !cred[4].equals("goog4_request")) {
      throw malformed("Invalid credential scope: " + credential);
    }
    String date = required(req, "X-Goog-Date");
    Instant signedAt;
    try {
      signedAt = LocalDateTime.parse(date, GOOG_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw malformed("Date not in valid ISO 8601 format: " + date);
    }
    if (!date.startsWith(cred[1])) {
      throw malformed("The date of the credential scope (" + cred[1]
          + ") does not match the date of X-Goog-Date (" + date + ").");
    }
    long expires;
    try {
      expires = Long.parseLong(required(req, "X-Goog-Expires"));
    } catch (NumberFormatException e) {
      throw malformed("Invalid argument: X-Goog-Expires " + req.query("X-Goog-Expires"));
    }
    if (expires < 1 || expires > MAX_EXPIRES) {
      throw malformed("Invalid argument: X-Goog-Expires must be between 1 and 604800 seconds; got "
          + expires);
    }
    String signedHeaders = required(req, "X-Goog-SignedHeaders");
    String signatureHex = required(req, "X-Goog-Signature");
    Instant expiry = signedAt.plusSeconds(expires);
    if (clock.instant().isAfter(expiry)) {
      throw new HttpError(400, "The provided token has expired.")
          .with("xmlCode", "ExpiredToken")
          .with("xmlDetails", "Request signature expired at: " + GcsJson.time(expiry));
    }
    PublicKey key = signers.get(cred[0]);
    if (key == null || algorithm.equals("GOOG4-HMAC-SHA256")) {
      // no key registered for this signer: format and expiry are all we can check
      unverifiable(key == null ? "no signer registered as " + cred[0]
          : "HMAC signatures cannot be checked by the fake");
      return;
    }
    byte[] signature;
    try {
      signature = HexFormat.of().parseHex(signatureHex.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw mismatch("X-Goog-Signature is not hex", "", "");
    }
    String scope = String.join("/", cred[1], cred[2], cred[3], cred[4]);
    String canonical = canonicalRequestV4(req, signedHeaders, false);
    String toSign = stringToSign(algorithm, date, scope, canonical);
    if (verifies(key, toSign, signature)) {
      return;
    }
    if (req.hasQuery("uploadType")) {
      // the Java client appends uploadType=resumable to a signed URL when it starts an upload
      String without = canonicalRequestV4(req, signedHeaders, true);
      if (verifies(key, stringToSign(algorithm, date, scope, without), signature)) {
        return;
      }
    }
    throw mismatch("The request signature we calculated does not match the signature you "
        + "provided. Check your Google secret key and signing method.", toSign, canonical);
  }

  private void verifyV2(Request req) {
    String expiresText = required(req, "Expires");
    long expires;
    try {
      expires = Long.parseLong(expiresText);
    } catch (NumberFormatException e) {
      throw malformed("Invalid argument: Expires " + expiresText);
    }
    if (clock.instant().getEpochSecond() > expires) {
      throw new HttpError(400, "The provided token has expired.")
          .with("xmlCode", "ExpiredToken")
          .with("xmlDetails", "Request signature expired at: "
              + GcsJson.time(Instant.ofEpochSecond(expires)));
    }
    String accessId = required(req, "GoogleAccessId");
    PublicKey key = signers.get(accessId);
    if (key == null) {
      unverifiable("no signer registered as " + accessId);
      return;
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(required(req, "Signature"));
    } catch (IllegalArgumentException e) {
      throw mismatch("Signature is not base64", "", "");
    }
    StringBuilder s = new StringBuilder();
    s.append(req.method()).append('\n');
    s.append(nullToEmpty(req.header("Content-MD5"))).append('\n');
    s.append(nullToEmpty(req.header("Content-Type"))).append('\n');
    s.append(expiresText).append('\n');
    TreeMap<String, String> goog = new TreeMap<>();
    for (Map.Entry<String, List<String>> h : req.headers().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("x-goog-") && !name.equals("x-goog-encryption-key")
          && !name.equals("x-goog-encryption-key-sha256")) {
        goog.put(name, collapse(String.join(",", h.getValue())));
      }
    }
    goog.forEach((k, v) -> s.append(k).append(':').append(v).append('\n'));
    s.append(Paths.path(req.path()));
    if (!verifies(key, s.toString(), signature)) {
      throw mismatch("The request signature we calculated does not match the signature you "
          + "provided. Check your Google secret key and signing method.", s.toString(), "");
    }
  }

  /** The V4 canonical request of {@code req}, as the signer built it. */
  static String canonicalRequestV4(Request req, String signedHeaders, boolean dropUploadType) {
    StringBuilder c = new StringBuilder();
    c.append(req.method()).append('\n');
    c.append(Paths.path(req.path())).append('\n');
    List<String[]> params = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : req.queryParams().entrySet()) {
      String k = e.getKey();
      if (k.equals("X-Goog-Signature") || (dropUploadType && k.equals("uploadType"))) {
        continue;
      }
      for (String v : e.getValue()) {
        params.add(new String[] {Paths.segment(k), Paths.segment(v)});
      }
    }
    params.sort((a, b) -> {
      int x = a[0].compareTo(b[0]);
      return x != 0 ? x : a[1].compareTo(b[1]);
    });
    for (int i = 0; i < params.size(); i++) {
      if (i > 0) {
        c.append('&');
      }
      c.append(params.get(i)[0]).append('=').append(params.get(i)[1]);
    }
    c.append('\n');
    String payload = "UNSIGNED-PAYLOAD";
    List<String> names = new ArrayList<>();
    for (String h : signedHeaders.split(";")) {
      if (!h.isBlank()) {
        names.add(h.trim().toLowerCase(Locale.ROOT));
      }
    }
    names.sort(null);
    for (String name : names) {
      String value = nullToEmpty(req.header(name));
      c.append(name).append(':').append(collapse(value)).append('\n');
      if (name.equals("x-goog-content-sha256")) {
        payload = value;
      }
    }
    c.append('\n');
    c.append(String.join(";", names)).append('\n');
    c.append(payload);
    return c.toString();
  }

  static String stringToSign(String algorithm, String date, String scope, String canonical) {
    return algorithm + "\n" + date + "\n" + scope + "\n" + sha256Hex(canonical);
  }

  private static boolean verifies(PublicKey key, String toSign, byte[] signature) {
    try {
      Signature v = Signature.getInstance("SHA256withRSA");
      v.initVerify(key);
      v.update(toSign.getBytes(StandardCharsets.UTF_8));
      return v.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String collapse(String v) {
    return v.trim().replaceAll("\\s+", " ");
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String required(Request req, String name) {
    String v = req.query(name);
    if (v == null || v.isEmpty()) {
      throw malformed("Missing required parameter: " + name);
    }
    return v;
  }

  private static HttpError malformed(String details) {
    return new HttpError(400, "The provided security header was malformed.")
        .with("xmlCode", "MalformedSecurityHeader").with("xmlDetails", details);
  }

  private static HttpError mismatch(String message, String toSign, String canonical) {
    return new HttpError(403, message).with("xmlCode", "SignatureDoesNotMatch")
        .with("xmlStringToSign", toSign).with("xmlCanonicalRequest", canonical);
  }
}
