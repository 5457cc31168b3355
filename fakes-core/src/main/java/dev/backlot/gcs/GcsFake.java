package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.Hints;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Google Cloud Storage fake: the JSON API the official clients use (buckets, objects, media,
 * multipart and resumable uploads, downloads with Range, listing, rewrite, compose, batch), the
 * XML API that V4 signed URLs address, preconditions and metagenerations as GCS keeps them, and
 * signed-URL verification against the fake's clock.
 *
 * <pre>{@code
 * try (GcsFake gcs = GcsFake.builder()
 *         .bucket("media")
 *         .object("media", "hello.txt", "hi".getBytes(UTF_8))
 *         .start()) {
 *   Storage storage = StorageOptions.newBuilder()
 *       .setHost(gcs.baseUri().toString())
 *       .setProjectId("test")
 *       .setCredentials(NoCredentials.getInstance())
 *       .build().getService();
 *
 *   storage.create(BlobInfo.newBuilder("media", "a/b.txt").build(), bytes);
 *   assertThat(gcs.object("media", "a/b.txt").bytes()).isEqualTo(bytes);
 * }
 * }</pre>
 *
 * <p>Signed URLs: expiry is always checked against {@link #clock()}; the signature is checked
 * when the signer's public key is registered ({@link Builder#signer} or {@link #registerSigner}).
 * By default an unsigned XML-API request is served (as GCS serves a public object) and a
 * signature from an unregistered signer is accepted after its format and expiry checks; with
 * {@link Builder#strictSignatures(boolean) strictSignatures(true)} the XML API requires a valid
 * signature from a registered signer, as GCS does for private objects.
 */
public final class GcsFake extends FakeServer<GcsFake> {

  private final GcsStore store;
  private final long maxBodyBytes;
  private final Map<String, PublicKey> signers = new ConcurrentHashMap<>();
  private final SignedUrls signedUrls;
  private final Uploads uploads;
  private final JsonApi json;
  private final XmlApi xml;

  /** A fake with no buckets, on a random loopback port, on the system clock. */
  public GcsFake() {
    this(builder());
  }

  private GcsFake(Builder builder) {
    super("gcs", builder);
    this.maxBodyBytes = builder.maxBodyBytes;
    this.store = new GcsStore(clock());
    this.signedUrls = new SignedUrls(clock(), signers, builder.strictSignatures);
    this.uploads = new Uploads(this);
    this.json = new JsonApi(this);
    this.xml = new XmlApi(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  // Called from the engine's constructor, before this class's fields are set: handlers are
  // lambdas that read the fields when a request arrives.
  @Override
  protected void routes(Routes r) {
    r.get("/storage/v1/b", req -> json.listBuckets(req))
        .post("/storage/v1/b", req -> json.createBucket(req))
        .get("/storage/v1/b/{bucket}", req -> json.getBucket(req))
        .patch("/storage/v1/b/{bucket}", req -> json.patchBucket(req))
        .put("/storage/v1/b/{bucket}", req -> json.replaceBucket(req))
        .delete("/storage/v1/b/{bucket}", req -> json.deleteBucket(req))
        .post("/storage/v1/b/{bucket}", req -> json.bucketOverride(req))
        .get("/storage/v1/b/{bucket}/o", req -> json.listObjects(req))
        .post("/storage/v1/b/{bucket}/o/{object}/compose", req -> json.compose(req))
        .post("/storage/v1/b/{bucket}/o/{object}/rewriteTo/b/{dstBucket}/o/{dstObject}",
            req -> json.rewrite(req))
        .post("/storage/v1/b/{bucket}/o/{object}/copyTo/b/{dstBucket}/o/{dstObject}",
            req -> json.copy(req))
        .get("/storage/v1/b/{bucket}/o/{object*}", req -> json.getObject(req))
        .patch("/storage/v1/b/{bucket}/o/{object*}", req -> json.patchObject(req))
        .put("/storage/v1/b/{bucket}/o/{object*}", req -> json.updateObject(req))
        .delete("/storage/v1/b/{bucket}/o/{object*}", req -> json.deleteObject(req))
        .post("/storage/v1/b/{bucket}/o/{object*}", req -> json.objectOverride(req))
        .get("/download/storage/v1/b/{bucket}/o/{object*}", req -> json.download(req))
        .post("/upload/storage/v1/b/{bucket}/o", req -> uploads.insert(req))
        .put("/upload/storage/v1/b/{bucket}/o", req -> uploads.chunk(req))
        .delete("/upload/storage/v1/b/{bucket}/o", req -> uploads.cancel(req))
        .post("/batch/storage/v1", req -> json.batch(req))
        .post("/batch", req -> json.batch(req))
        .get("/{bucket}/{object*}", XmlApi.xml(req -> xml.get(req)))
        .put("/{bucket}/{object*}", XmlApi.xml(req -> xml.put(req)))
        .post("/{bucket}/{object*}", XmlApi.xml(req -> xml.post(req)))
        .delete("/{bucket}/{object*}", XmlApi.xml(req -> xml.delete(req)));
  }

  @Override
  protected void resetState() {
    store.clear();
    uploads.clear();
    json.clear();
    signers.clear();
  }

  /** GCS's JSON error: {@code {"error":{"code","message","errors":[{"domain","reason","message"}]}}}. */
  @Override
  protected ErrorShape errorShape() {
    return (status, message, details) -> {
      if (status == 304) {
        return Response.status(304);
      }
      Object reason = details.get("reason");
      ObjectNode error = Json.object();
      error.put("code", status);
      error.put("message", message);
      ArrayNode errors = error.putArray("errors");
      ObjectNode e = errors.addObject();
      e.put("domain", "global");
      e.put("reason", reason != null ? reason.toString() : reasonFor(status));
      e.put("message", message);
      ObjectNode body = Json.object();
      body.set("error", error);
      return Response.json(status, body);
    };
  }

  private static String reasonFor(int status) {
    switch (status) {
      case 400: return "invalid";
      case 401: return "required";
      case 403: return "forbidden";
      case 404: return "notFound";
      case 405: return "methodNotAllowed";
      case 409: return "conflict";
      case 412: return "conditionNotMet";
      case 413: return "uploadTooLarge";
      case 429: return "rateLimitExceeded";
      case 503: return "backendError";
      default: return "internalError";
    }
  }

  // ------------------------------------------------------------------ test API

  /** The live generation of {@code name}, or null when there is none. */
  public GcsObject object(String bucket, String name) {
    return store.live(bucket, name);
  }

  /** Every stored generation of {@code name}, oldest first (noncurrent ones, then the live one). */
  public List<GcsObject> versions(String bucket, String name) {
    return store.versions(bucket, name);
  }

  /** The live objects of {@code bucket} in name order (empty if the bucket does not exist). */
  public List<GcsObject> objects(String bucket) {
    return store.liveObjects(bucket);
  }

  /** The bucket names, sorted. */
  public List<String> buckets() {
    return store.bucketNames();
  }

  /** Creates a bucket (without versioning) unless it exists. */
  public GcsFake createBucket(String name) {
    return createBucket(name, false);
  }

  /** Creates a bucket unless it exists. */
  public GcsFake createBucket(String name, boolean versioning) {
    JsonApi.validateBucketName(name);
    if (store.bucket(name) == null) {
      try {
        store.createBucket(name, versioning, null, null, false, Map.of());
      } catch (HttpError alreadyThere) {
        // created concurrently: fine
      }
    }
    return this;
  }

  /** Stores {@code data} as a new generation of {@code name}, creating the bucket if needed. */
  public GcsObject putObject(String bucket, String name, byte[] data) {
    return putObject(bucket, name, data, guessType(name), Map.of());
  }

  /** Stores {@code data} with a content type and custom metadata, creating the bucket if needed. */
  public GcsObject putObject(
      String bucket, String name, byte[] data, String contentType, Map<String, String> metadata) {
    Objects.requireNonNull(data, "data");
    createBucket(bucket);
    byte[] copy = data.clone();
    return store.write(bucket, name, copy, GcsStore.Hashes.of(copy),
        ObjectMeta.of(contentType == null ? ObjectMeta.DEFAULT_CONTENT_TYPE : contentType, metadata),
        Preconditions.NONE, null);
  }

  /**
   * Accepts V2/V4 signed URLs from this service account only if their RSA-SHA256 signature checks
   * out with {@code key}. Registered signers are cleared by {@link #reset()} (the builder's stay).
   */
  public GcsFake registerSigner(String clientEmail, PublicKey key) {
    signers.put(clientEmail, key);
    return this;
  }

  /** Resumable upload sessions started but not finished (nor cancelled). */
  public int openUploads() {
    return uploads.open();
  }

  // ------------------------------------------------------------------ package internals

  GcsStore store() {
    return store;
  }

  Uploads uploads() {
    return uploads;
  }

  SignedUrls signedUrls() {
    return signedUrls;
  }

  /** The address the client used, from its Host header, for Location headers and links. */
  String base(Request req) {
    String host = req.header("Host");
    return host == null || host.isEmpty() ? baseUri().toString() : "http://" + host;
  }

  /** Answers an embedded (batch) request through stubs and routes, errors in the GCS shape. */
  Response dispatch(Request req) {
    try {
      return answer(req);
    } catch (HttpError e) {
      return dispatchError(e);
    } catch (Exception e) {
      return errorShape().render(500, "The gcs fake failed: " + e, Map.of());
    }
  }

  /** An error of an embedded (batch) request, in the GCS shape. */
  Response dispatchError(HttpError e) {
    return errorShape().render(e);
  }

  /** The largest body the fake takes, in decoded bytes. */
  long maxBodyBytes() {
    return maxBodyBytes;
  }

  private static String guessType(String name) {
    String t = URLConnection.guessContentTypeFromName(name);
    return t == null ? ObjectMeta.DEFAULT_CONTENT_TYPE : t;
  }

  // ------------------------------------------------------------------ builder

  /**
   * The initial state of a {@link GcsFake}: buckets, objects and signers, restored by every
   * {@link #reset()}.
   *
   * <pre>{@code
   * GcsFake gcs = GcsFake.builder()
   *     .bucket("media")
   *     .versionedBucket("archive")
   *     .object("media", "clips/intro.mp4", mp4Bytes, "video/mp4")
   *     .objectFromResource("media", "logo.png", "/fixtures/logo.png")
   *     .signer("signer@test.iam.gserviceaccount.com", keyPair.getPublic())
   *     .clock(Clock.manual())
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, GcsFake> {
    private long maxBodyBytes = 64L * 1024 * 1024;
    private boolean strictSignatures;

    private Builder() {}

    /**
     * Largest request body accepted, counted in decoded bytes: a gzip body that inflates past it
     * is refused with a 413 too (default 64 MiB).
     */
    @Override
    public Builder maxBodyBytes(long max) {
      this.maxBodyBytes = max;
      return super.maxBodyBytes(max);
    }

    /**
     * Strict signatures (default off): XML-API requests ({@code /{bucket}/{object}}, what signed
     * URLs address) must carry a V2 or V4 RSA signature that verifies with a registered signer's
     * key, as GCS requires for private objects. Unsigned requests get 403 {@code AccessDenied};
     * signatures from unregistered signers, or HMAC ones (the fake holds no HMAC secrets), get
     * 403 {@code SignatureDoesNotMatch}. Off, unsigned requests are served as for a public object
     * and unregistered signers pass after the format and expiry checks.
     *
     * <pre>{@code
     * GcsFake.builder().signer(email, keyPair.getPublic()).strictSignatures(true).start();
     * }</pre>
     */
    public Builder strictSignatures(boolean on) {
      this.strictSignatures = on;
      return self();
    }

    /** A bucket (versioning off). */
    public Builder bucket(String name) {
      checkName(name);
      return setup(f -> f.createBucket(name, false));
    }

    /** A bucket with object versioning on. */
    public Builder versionedBucket(String name) {
      checkName(name);
      return setup(f -> f.createBucket(name, true));
    }

    /** An object (its bucket is created if needed); the type is guessed from the name. */
    public Builder object(String bucket, String name, byte[] data) {
      return object(bucket, name, data, guessType(name));
    }

    /** An object with a content type (its bucket is created if needed). */
    public Builder object(String bucket, String name, byte[] data, String contentType) {
      byte[] copy = data.clone();
      return setup(f -> f.putObject(bucket, name, copy, contentType, Map.of()));
    }

    /** A UTF-8 text object ({@code text/plain}). */
    public Builder object(String bucket, String name, String text) {
      return object(bucket, name, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /**
     * An object whose bytes are a classpath resource (read now; a missing resource fails here).
     */
    public Builder objectFromResource(String bucket, String name, String resource) {
      String path = resource.startsWith("/") ? resource.substring(1) : resource;
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      InputStream in = cl == null ? null : cl.getResourceAsStream(path);
      if (in == null) {
        in = GcsFake.class.getClassLoader().getResourceAsStream(path);
      }
      if (in == null) {
        throw new IllegalArgumentException("No classpath resource " + resource);
      }
      try (InputStream s = in) {
        return object(bucket, name, s.readAllBytes(), guessType(resource));
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read classpath resource " + resource, e);
      }
    }

    /** A service account whose signed URLs are verified with {@code key}. */
    public Builder signer(String clientEmail, PublicKey key) {
      return setup(f -> f.registerSigner(clientEmail, key));
    }

    /**
     * A service account whose signed URLs are verified with the key in {@code pem}: a public key
     * ({@code BEGIN PUBLIC KEY}), a certificate, or the account's PKCS#8 private key (the {@code
     * private_key} of a service-account JSON file), whose public half is used.
     *
     * <pre>{@code
     * GcsFake.builder().signer("sa@p.iam.gserviceaccount.com", Files.readString(Path.of("sa.pub")))
     * }</pre>
     */
    public Builder signer(String clientEmail, String pem) {
      return signer(clientEmail, SignerKeys.publicKey(pem));
    }

    /**
     * Launcher/config keys: {@code "buckets": ["media", {"name": "archive", "versioning": true}]},
     * {@code "objects": [{"bucket": "media", "name": "a.txt", "text": "hi"}]} (or {@code "base64"}
     * or {@code "resource"} instead of {@code "text"}, optional {@code "contentType"}), {@code
     * "signers": [{"email": "sa@p.iam.gserviceaccount.com", "publicKey": "-----BEGIN PUBLIC
     * KEY-----..."}]} (or {@code "keyFile": "path/to/service-account.json"}, whose {@code
     * client_email} and {@code private_key} are read) and {@code "strictSignatures": true}.
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "buckets", "objects", "signers", "strictSignatures");
    }

    @Override
    protected String fakeName() {
      return "gcs";
    }

    // the keys of an entry of "buckets" (when not just a name), "objects" and "signers"
    private static final List<String> BUCKET_KEYS = List.of("name", "versioning");
    private static final List<String> OBJECT_KEYS =
        List.of("bucket", "name", "text", "base64", "resource", "contentType");
    private static final List<String> SIGNER_KEYS = List.of("email", "publicKey", "keyFile");

    @Override
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "buckets" -> {
          for (JsonNode b : list(key, value)) {
            if (b.isTextual()) {
              bucket(b.asText());
              continue;
            }
            Hints.requireKnown("bucket setting", b.fieldNames(), fakeName(), BUCKET_KEYS);
            if (b.path("versioning").asBoolean(false)) {
              versionedBucket(required(b, "name"));
            } else {
              bucket(required(b, "name"));
            }
          }
        }
        case "objects" -> {
          for (JsonNode o : list(key, value)) {
            Hints.requireKnown("object setting", o.fieldNames(), fakeName(), OBJECT_KEYS);
            String bucket = required(o, "bucket");
            String name = required(o, "name");
            String type = o.hasNonNull("contentType") ? o.get("contentType").asText() : null;
            if (o.hasNonNull("resource")) {
              objectFromResource(bucket, name, o.get("resource").asText());
            } else {
              byte[] data = o.hasNonNull("base64")
                  ? java.util.Base64.getDecoder().decode(o.get("base64").asText())
                  : o.path("text").asText("").getBytes(StandardCharsets.UTF_8);
              object(bucket, name, data, type != null ? type : guessType(name));
            }
          }
        }
        case "signers" -> {
          for (JsonNode sgn : list(key, value)) {
            Hints.requireKnown("signer setting", sgn.fieldNames(), fakeName(), SIGNER_KEYS);
            if (sgn.hasNonNull("keyFile")) {
              SignerKeys.Account a = SignerKeys.fromKeyFile(sgn.get("keyFile").asText());
              signer(a.email(), a.key());
            } else {
              signer(required(sgn, "email"), SignerKeys.publicKey(required(sgn, "publicKey")));
            }
          }
        }
        case "strictSignatures" -> {
          if (!value.isBoolean()) {
            throw new IllegalArgumentException("'strictSignatures' must be true or false");
          }
          strictSignatures(value.booleanValue());
        }
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    private static Iterable<JsonNode> list(String key, JsonNode value) {
      if (!value.isArray()) {
        throw new IllegalArgumentException("'" + key + "' must be a list");
      }
      return value;
    }

    private static String required(JsonNode node, String field) {
      JsonNode v = node.get(field);
      if (v == null || !v.isTextual() || v.asText().isEmpty()) {
        throw new IllegalArgumentException("'" + field + "' is required in " + node);
      }
      return v.asText();
    }

    private static void checkName(String name) {
      try {
        JsonApi.validateBucketName(name);
      } catch (HttpError e) {
        throw new IllegalArgumentException(e.getMessage());
      }
    }

    @Override
    public GcsFake build() {
      return new GcsFake(this);
    }
  }
}
