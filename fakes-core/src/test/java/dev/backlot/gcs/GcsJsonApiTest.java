package dev.backlot.gcs;

import static dev.backlot.gcs.RawHttp.json;
import static dev.backlot.gcs.RawHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JSON-API details by hand: error shape, upload types, Range, preconditions, listing options. */
class GcsJsonApiTest {

  private final GcsFake gcs = GcsFake.builder()
      .bucket("media")
      .object("media", "ten.txt", "0123456789")
      .start();
  private final RawHttp http = new RawHttp(gcs);

  @AfterEach
  void close() {
    gcs.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void errorsHaveTheGcsShape() throws Exception {
    HttpResponse<byte[]> r = http.send("GET", "/storage/v1/b/media/o/missing%2Fthing", null);
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode e = json(r).get("error");
    assertThat(e.get("code").asInt()).isEqualTo(404);
    assertThat(e.get("message").asText()).isEqualTo("No such object: media/missing/thing");
    assertThat(e.at("/errors/0/domain").asText()).isEqualTo("global");
    assertThat(e.at("/errors/0/reason").asText()).isEqualTo("notFound");

    HttpResponse<byte[]> bucket = http.send("GET", "/storage/v1/b/nope", null);
    assertThat(json(bucket).at("/error/message").asText()).isEqualTo("The specified bucket does not exist.");

    HttpResponse<byte[]> badJson = http.send("POST", "/storage/v1/b?project=p", utf8("{not json"),
        "Content-Type", "application/json");
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(json(badJson).at("/error/errors/0/reason").asText()).isEqualTo("invalid");

    assertThat(http.send("POST", "/storage/v1/b", utf8("{\"name\":\"x-y-z\"}")).statusCode()).isEqualTo(400);
    HttpResponse<byte[]> badName = http.send("POST", "/storage/v1/b?project=p", utf8("{\"name\":\"Bad_Name!\"}"));
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(json(badName).at("/error/message").asText()).contains("Invalid bucket name");
    assertThat(gcs.buckets()).containsExactly("media");
  }

  @Test
  void mediaUploadTakesNameFromTheQueryAndTypeFromTheHeader() throws Exception {
    HttpResponse<byte[]> r = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=media&name=a%2Fb%20c.png",
        new byte[] {1, 2, 3}, "Content-Type", "image/png");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode o = json(r);
    assertThat(o.get("name").asText()).isEqualTo("a/b c.png");
    assertThat(o.get("size").asText()).isEqualTo("3");
    assertThat(o.get("generation").isTextual()).isTrue();
    assertThat(o.get("metageneration").asText()).isEqualTo("1");
    assertThat(o.get("selfLink").asText()).endsWith("/storage/v1/b/media/o/a%2Fb%20c.png");
    assertThat(gcs.object("media", "a/b c.png").contentType()).isEqualTo("image/png");

    HttpResponse<byte[]> noName = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=media", new byte[1]);
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(json(noName).at("/error/errors/0/reason").asText()).isEqualTo("required");
  }

  @Test
  void multipartUploadWithQuotedBoundaryAndLfLines() throws Exception {
    String body = "--abc\n"
        + "Content-Type: application/json\n\n"
        + "{\"name\":\"notes.txt\",\"metadata\":{\"k\":\"v\"}}\n"
        + "--abc\n"
        + "Content-Type: text/plain\n\n"
        + "line one\r\nline two\n"
        + "--abc--\n";
    HttpResponse<byte[]> r = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=multipart", utf8(body),
        "Content-Type", "multipart/related; boundary='abc'");
    assertThat(r.statusCode()).isEqualTo(200);
    GcsObject o = gcs.object("media", "notes.txt");
    assertThat(o.text()).isEqualTo("line one\r\nline two");
    assertThat(o.contentType()).isEqualTo("text/plain");
    assertThat(o.metadata()).isEqualTo(Map.of("k", "v"));
  }

  @Test
  void aDeclaredChecksumMismatchIs400AndStoresNothing() throws Exception {
    String md5Wrong = multipart("{\"name\":\"ten.txt\",\"md5Hash\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}", "changed");
    HttpResponse<byte[]> r = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=multipart",
        utf8(md5Wrong), "Content-Type", "multipart/related; boundary=b0");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("MD5");

    String crcWrong = multipart("{\"name\":\"ten.txt\",\"crc32c\":\"AAAAAA==\"}", "changed");
    assertThat(http.send("POST", "/upload/storage/v1/b/media/o?uploadType=multipart", utf8(crcWrong),
        "Content-Type", "multipart/related; boundary=b0").statusCode()).isEqualTo(400);

    assertThat(gcs.object("media", "ten.txt").text()).isEqualTo("0123456789");
    assertThat(gcs.versions("media", "ten.txt")).hasSize(1);
  }

  private static String multipart(String json, String data) {
    return "--b0\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" + json
        + "\r\n--b0\r\nContent-Type: text/plain\r\n\r\n" + data + "\r\n--b0--\r\n";
  }

  @Test
  void rangeReadsOnBothDownloadPaths() throws Exception {
    for (String path : List.of("/download/storage/v1/b/media/o/ten.txt?alt=media",
        "/storage/v1/b/media/o/ten.txt?alt=media")) {
      HttpResponse<byte[]> whole = http.send("GET", path, null);
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(text(whole)).isEqualTo("0123456789");
      assertThat(whole.headers().firstValue("x-goog-hash").orElse("")).contains("md5=").contains("crc32c=");
      assertThat(whole.headers().firstValue("x-goog-stored-content-length")).hasValue("10");

      HttpResponse<byte[]> mid = http.send("GET", path, null, "Range", "bytes=2-5");
      assertThat(mid.statusCode()).isEqualTo(206);
      assertThat(text(mid)).isEqualTo("2345");
      assertThat(mid.headers().firstValue("Content-Range")).hasValue("bytes 2-5/10");

      assertThat(text(http.send("GET", path, null, "Range", "bytes=7-"))).isEqualTo("789");
      assertThat(text(http.send("GET", path, null, "Range", "bytes=-3"))).isEqualTo("789");
      assertThat(text(http.send("GET", path, null, "Range", "bytes=8-100"))).isEqualTo("89");

      HttpResponse<byte[]> past = http.send("GET", path, null, "Range", "bytes=10-");
      assertThat(past.statusCode()).isEqualTo(416);
      assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */10");
      assertThat(text(past)).contains("<Code>InvalidRange</Code>");

      HttpResponse<byte[]> reversed = http.send("GET", path, null, "Range", "bytes=5-2");
      assertThat(reversed.statusCode()).isEqualTo(200);
      assertThat(text(reversed)).isEqualTo("0123456789");
    }
  }

  @Test
  void generationParameterAndReadPreconditions() throws Exception {
    long gen = gcs.object("media", "ten.txt").generation();
    assertThat(http.send("GET", "/storage/v1/b/media/o/ten.txt?generation=" + gen, null).statusCode()).isEqualTo(200);
    assertThat(http.send("GET", "/storage/v1/b/media/o/ten.txt?generation=" + (gen + 1), null).statusCode())
        .isEqualTo(404);
    assertThat(http.send("GET", "/storage/v1/b/media/o/ten.txt?generation=abc", null).statusCode()).isEqualTo(400);

    HttpResponse<byte[]> notModified = http.send("GET",
        "/storage/v1/b/media/o/ten.txt?ifGenerationNotMatch=" + gen, null);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(http.send("GET", "/storage/v1/b/media/o/ten.txt?ifMetagenerationMatch=2", null).statusCode())
        .isEqualTo(412);
    assertThat(http.send("GET", "/download/storage/v1/b/media/o/ten.txt?alt=media&ifGenerationMatch=" + gen, null)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void patchThroughMethodOverrideBumpsMetageneration() throws Exception {
    HttpResponse<byte[]> r = http.send("POST", "/storage/v1/b/media/o/ten.txt",
        utf8("{\"metadata\":{\"stage\":\"raw\"},\"contentLanguage\":\"en\"}"),
        "X-HTTP-Method-Override", "PATCH", "Content-Type", "application/json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("metageneration").asText()).isEqualTo("2");

    HttpResponse<byte[]> p = http.send("PATCH", "/storage/v1/b/media/o/ten.txt?ifMetagenerationMatch=2",
        utf8("{\"metadata\":{\"stage\":\"cut\"}}"));
    assertThat(json(p).get("metageneration").asText()).isEqualTo("3");

    HttpResponse<byte[]> stale = http.send("PATCH", "/storage/v1/b/media/o/ten.txt?ifMetagenerationMatch=2",
        utf8("{\"metadata\":{\"stage\":\"lost\"}}"));
    assertThat(stale.statusCode()).isEqualTo(412);
    HttpResponse<byte[]> notMatch = http.send("PATCH", "/storage/v1/b/media/o/ten.txt?ifMetagenerationNotMatch=3",
        utf8("{\"metadata\":{\"stage\":\"lost\"}}"));
    assertThat(notMatch.statusCode()).isEqualTo(412);

    GcsObject o = gcs.object("media", "ten.txt");
    assertThat(o.metadata()).containsEntry("stage", "cut");
    assertThat(o.contentLanguage()).isEqualTo("en");
    assertThat(o.metageneration()).isEqualTo(3);
    assertThat(o.text()).isEqualTo("0123456789");

    assertThat(http.send("POST", "/storage/v1/b/media/o/ten.txt", utf8("{}")).statusCode()).isEqualTo(405);
  }

  @Test
  void listingOptions() throws Exception {
    for (String n : List.of("a/1.txt", "a/2.png", "a/b/3.txt", "a/", "b/4.txt", "c.txt")) {
      gcs.putObject("media", n, utf8(n));
    }
    JsonNode slash = json(http.send("GET", "/storage/v1/b/media/o?delimiter=/&prefix=a/", null));
    assertThat(names(slash.get("items"))).containsExactly("a/", "a/1.txt", "a/2.png");
    assertThat(slash.get("prefixes").toString()).isEqualTo("[\"a/b/\"]");

    JsonNode trailing = json(http.send("GET", "/storage/v1/b/media/o?delimiter=/&includeTrailingDelimiter=true", null));
    assertThat(trailing.get("prefixes").toString()).isEqualTo("[\"a/\",\"b/\"]");
    assertThat(names(trailing.get("items"))).containsExactly("a/", "c.txt", "ten.txt");

    JsonNode glob = json(http.send("GET", "/storage/v1/b/media/o?matchGlob=**/*.txt", null));
    assertThat(names(glob.get("items"))).containsExactly("a/1.txt", "a/b/3.txt", "b/4.txt");
    JsonNode glob2 = json(http.send("GET", "/storage/v1/b/media/o?matchGlob=a/*.%7Bpng,txt%7D", null));
    assertThat(names(glob2.get("items"))).containsExactly("a/1.txt", "a/2.png");

    JsonNode offsets = json(http.send("GET", "/storage/v1/b/media/o?startOffset=a/2&endOffset=b/", null));
    assertThat(names(offsets.get("items"))).containsExactly("a/2.png", "a/b/3.txt");

    List<String> paged = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      JsonNode page = json(http.send("GET", "/storage/v1/b/media/o?maxResults=3"
          + (token == null ? "" : "&pageToken=" + token), null));
      pages++;
      paged.addAll(names(page.get("items")));
      token = page.has("nextPageToken") ? page.get("nextPageToken").asText() : null;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(paged).containsExactly("a/", "a/1.txt", "a/2.png", "a/b/3.txt", "b/4.txt", "c.txt", "ten.txt");

    assertThat(http.send("GET", "/storage/v1/b/media/o?matchGlob=%5B", null).statusCode()).isEqualTo(400);
    assertThat(http.send("GET", "/storage/v1/b/media/o?pageToken=!!!", null).statusCode()).isEqualTo(400);
  }

  private static List<String> names(JsonNode items) {
    List<String> out = new ArrayList<>();
    if (items != null) {
      items.forEach(i -> out.add(i.get("name").asText()));
    }
    return out;
  }

  @Test
  void gzipObjectsAreTranscodedUnlessTheClientAcceptsGzip() throws Exception {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(z)) {
      out.write(utf8("plain text inside gzip"));
    }
    HttpResponse<byte[]> up = http.send("POST",
        "/upload/storage/v1/b/media/o?uploadType=media&name=z.txt&contentEncoding=gzip", z.toByteArray(),
        "Content-Type", "text/plain");
    assertThat(up.statusCode()).isEqualTo(200);

    HttpResponse<byte[]> plain = http.send("GET", "/download/storage/v1/b/media/o/z.txt?alt=media", null);
    assertThat(text(plain)).isEqualTo("plain text inside gzip");
    HttpResponse<byte[]> raw = http.send("GET", "/download/storage/v1/b/media/o/z.txt?alt=media", null,
        "Accept-Encoding", "gzip");
    assertThat(raw.body()).isEqualTo(z.toByteArray());
    assertThat(raw.headers().firstValue("Content-Encoding")).hasValue("gzip");
  }

  @Test
  void rewriteAndComposeCheckTheirPreconditions() throws Exception {
    long gen = gcs.object("media", "ten.txt").generation();
    HttpResponse<byte[]> badSource = http.send("POST",
        "/storage/v1/b/media/o/ten.txt/rewriteTo/b/media/o/copy.txt?ifSourceGenerationMatch=" + (gen + 1), utf8("{}"));
    assertThat(badSource.statusCode()).isEqualTo(412);
    HttpResponse<byte[]> exists = http.send("POST",
        "/storage/v1/b/media/o/ten.txt/rewriteTo/b/media/o/ten.txt?ifGenerationMatch=0", utf8("{}"));
    assertThat(exists.statusCode()).isEqualTo(412);
    HttpResponse<byte[]> ok = http.send("POST", "/storage/v1/b/media/o/ten.txt/rewriteTo/b/media/o/copy.txt", utf8("{}"));
    assertThat(json(ok).get("done").asBoolean()).isTrue();
    assertThat(json(ok).get("resource").get("name").asText()).isEqualTo("copy.txt");

    String compose = "{\"sourceObjects\":[{\"name\":\"ten.txt\",\"objectPreconditions\":{\"ifGenerationMatch\":"
        + (gen + 5) + "}}],\"destination\":{\"contentType\":\"text/plain\"}}";
    assertThat(http.send("POST", "/storage/v1/b/media/o/joined.txt/compose", utf8(compose)).statusCode())
        .isEqualTo(412);
    String missing = "{\"sourceObjects\":[{\"name\":\"ten.txt\"},{\"name\":\"ghost\"}]}";
    assertThat(http.send("POST", "/storage/v1/b/media/o/joined.txt/compose", utf8(missing)).statusCode())
        .isEqualTo(404);
    assertThat(gcs.object("media", "joined.txt")).isNull();
  }

  @Test
  void deletingANonEmptyBucketIs409() throws Exception {
    HttpResponse<byte[]> r = http.send("DELETE", "/storage/v1/b/media", null);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).at("/error/errors/0/reason").asText()).isEqualTo("conflict");
    assertThat(gcs.object("media", "ten.txt")).isNotNull();
  }
}
