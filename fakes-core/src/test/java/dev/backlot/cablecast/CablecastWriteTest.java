package dev.backlot.cablecast;

import static dev.backlot.cablecast.CcHttp.API;
import static dev.backlot.cablecast.CcHttp.rooted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writes: Basic auth, POST/PUT/DELETE on shows, reels, schedule items and VODs, and bad input. */
class CablecastWriteTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-12-04T15:30:00Z"));
  private final CablecastFake cc = CablecastFake.builder().clock(clock).start();
  private final CcHttp http = new CcHttp(cc);

  @AfterEach
  void close() {
    cc.close();
  }

  private static ObjectNode show(String title) {
    return Json.object().put("title", title).put("cgTitle", title).put("cgExempt", false)
        .put("comments", "made by a test").put("location", 1).put("eventDate", "2026-12-01T19:00:00.000Z");
  }

  @Test
  void writesWithoutOrWithWrongCredentialsAre401AndChangeNothing() throws Exception {
    Map<String, Object> before = CcHttp.snapshot(cc);
    String body = Json.write(rooted("show", show("Sneaky")));
    String item = Json.write(rooted("scheduleItem", Json.object().put("channel", 1).put("show", 1)
        .put("runDateTime", "2026-12-05T12:00:00Z")));
    String vod = Json.write(rooted("vod", Json.object().put("show", 9)));
    List<String> wrong = java.util.Arrays.asList(null, CcHttp.basic("admin", "nope"),
        CcHttp.basic("root", "admin"), "Basic !!!notbase64", "Bearer admin", CcHttp.basic("admin", "admin "),
        "Basic " + java.util.Base64.getEncoder().encodeToString("admin".getBytes()));
    for (String auth : wrong) {
      for (String[] call : new String[][] {
          {"POST", "/shows", body}, {"PUT", "/shows/1", body}, {"DELETE", "/shows/1", null},
          {"POST", "/scheduleitems", item}, {"PUT", "/scheduleitems/1", item}, {"DELETE", "/scheduleitems/1", null},
          {"POST", "/vods", vod}, {"PUT", "/vods/1", vod}, {"DELETE", "/vods/1", null},
          {"POST", "/reels", "{}"}, {"DELETE", "/reels/1", null},
          {"POST", "/fileuploads", "{\"fileUpload\":{\"fileName\":\"a\",\"totalSegments\":1}}"},
          {"POST", "/shows", "not even json"}}) {
        CcHttp.Answer a = http.send(call[0], API + call[1], call[2], auth, "application/json");
        assertThat(a.status()).as("%s %s with %s", call[0], call[1], auth).isEqualTo(401);
        assertThat(a.json().get("message").asText()).isEqualTo("Authorization has been denied for this request.");
        assertThat(a.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Cablecast\"");
      }
    }
    assertThat(CcHttp.snapshot(cc)).isEqualTo(before);
    // reads stay anonymous
    assertThat(http.get("/shows/1").status()).isEqualTo(200);
  }

  @Test
  void customCredentialsReplaceTheDefaultOnes() throws Exception {
    try (CablecastFake other = CablecastFake.builder().credentials("archivist", "s3cret").emptyLibrary().start()) {
      CcHttp h = new CcHttp(other);
      String body = Json.write(rooted("show", Json.object().put("title", "T")));
      assertThat(h.send("POST", API + "/shows", body, CcHttp.basic("admin", "admin"), "application/json").status())
          .isEqualTo(401);
      assertThat(other.count("show")).isZero();
      CcHttp.Answer ok = h.send("POST", API + "/shows", body, CcHttp.basic("archivist", "s3cret"), "application/json");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().at("/show/id").asLong()).isEqualTo(1);
      assertThat(other.authorization()).isEqualTo(CcHttp.basic("archivist", "s3cret"));
    }
  }

  @Test
  void showsAreCreatedUpdatedAndDeletedWithTheirReelsVodsAndScheduleItems() throws Exception {
    CcHttp.Answer created = http.write("POST", "/shows", rooted("show", show("Budget Hearing")
        .set("customFields", Json.array().add(Json.object().put("showField", 3).put("value", "x")))));
    assertThat(created.status()).isEqualTo(200);
    JsonNode s = created.json().get("show");
    long id = s.get("id").asLong();
    assertThat(id).isEqualTo(13); // after the twelve default shows
    assertThat(s.get("title").asText()).isEqualTo("Budget Hearing");
    assertThat(s.get("eventDate").asText()).isEqualTo("2026-12-01T19:00:00+00:00");
    assertThat(s.get("lastModified").asText()).isEqualTo("2026-12-04T15:30:00+00:00");
    assertThat(s.get("reels")).isEmpty();
    assertThat(s.get("totalRunTime").asLong()).isZero();
    assertThat(http.ok("/shows/" + id)).isEqualTo(created.json());

    JsonNode reel = http.write("POST", "/reels", rooted("reel", Json.object().put("show", id)
        .put("reelNumber", 1).put("cue", 0).put("length", 5400))).json().get("reel");
    long vodId = http.write("POST", "/vods", rooted("vod", Json.object().put("show", id).put("vodConfiguration", 1)))
        .json().at("/vod/id").asLong();
    long itemId = http.write("POST", "/scheduleitems", rooted("scheduleItem", Json.object()
        .put("idType", 1).put("filler", false).put("deleted", false).put("show", id).put("channel", 2)
        .put("runDateTime", "2026-12-05T20:30:00.000Z"))).json().at("/scheduleItem/id").asLong();
    JsonNode linked = http.ok("/shows/" + id).get("show");
    assertThat(linked.get("reels").get(0).asLong()).isEqualTo(reel.get("id").asLong());
    assertThat(linked.get("totalRunTime").asLong()).isEqualTo(5400);
    assertThat(linked.get("vods").get(0).asLong()).isEqualTo(vodId);
    assertThat(http.ok("/scheduleitems?show=" + id).at("/scheduleItems/0/id").asLong()).isEqualTo(itemId);

    clock.advance(java.time.Duration.ofMinutes(5));
    CcHttp.Answer put = http.write("PUT", "/shows/" + id, rooted("show", Json.object().put("id", id)
        .put("title", "Budget Hearing (rebroadcast)").put("category", 2).set("reels", Json.array().add(999))));
    assertThat(put.status()).isEqualTo(200);
    JsonNode updated = put.json().get("show");
    assertThat(updated.get("title").asText()).isEqualTo("Budget Hearing (rebroadcast)");
    assertThat(updated.get("category").asLong()).isEqualTo(2);
    assertThat(updated.get("comments").asText()).isEqualTo("made by a test"); // not sent: kept
    assertThat(updated.get("reels")).hasSize(1); // read-only: ignored
    assertThat(updated.get("lastModified").asText()).isEqualTo("2026-12-04T15:35:00+00:00");

    CcHttp.Answer del = http.write("DELETE", "/shows/" + id, null);
    assertThat(del.status()).isEqualTo(204);
    assertThat(http.get("/shows/" + id).status()).isEqualTo(404);
    assertThat(http.get("/reels/" + reel.get("id").asLong()).status()).isEqualTo(404);
    assertThat(http.get("/vods/" + vodId).status()).isEqualTo(404);
    assertThat(http.get("/scheduleitems/" + itemId).status()).isEqualTo(404);
    assertThat(http.ok("/vodtransactions?vod=" + vodId).get("vodTransactions")).isEmpty();
    assertThat(http.write("DELETE", "/shows/" + id, null).status()).isEqualTo(404);
    cc.jobs().assertHealthy();
  }

  @Test
  void scheduleItemsAndVodsAreWrittenAndUnlinked() throws Exception {
    JsonNode item = http.write("POST", "/scheduleitems", rooted("scheduleItem", Json.object()
        .put("show", 2).put("channel", 1).put("runDateTime", "2026-12-05T06:30:00").put("cgExempt", true)))
        .json().get("scheduleItem");
    assertThat(item.get("idType").asInt()).isEqualTo(1);
    assertThat(item.get("runDateTime").asText()).isEqualTo("2026-12-05T06:30:00+00:00");
    long id = item.get("id").asLong();
    assertThat(id).isEqualTo(190);
    String window = "/scheduleitems?channel=1&start=2026-12-05T06:00:00Z&end=2026-12-05T08:00:00Z";
    assertThat(http.ok(window).at("/meta/count").asInt()).isEqualTo(3);
    assertThat(http.ok(window + "&include_cg_exempt=false").at("/meta/count").asInt()).isEqualTo(2);
    assertThat(http.ok(window).at("/scheduleItems/1/id").asLong()).isEqualTo(id); // in time order

    JsonNode moved = http.write("PUT", "/scheduleitems/" + id, rooted("scheduleItem",
        Json.object().put("runDateTime", "2026-12-05T07:00:00Z").put("channel", 3))).json().get("scheduleItem");
    assertThat(moved.get("channel").asLong()).isEqualTo(3);
    assertThat(http.ok(window).at("/meta/count").asInt()).isEqualTo(2);
    assertThat(http.write("DELETE", "/scheduleitems/" + id, null).status()).isEqualTo(204);
    assertThat(cc.count("scheduleItem")).isEqualTo(189);

    JsonNode vod = http.write("POST", "/vods", rooted("vod", Json.object().put("show", 10))).json().get("vod");
    long vodId = vod.get("id").asLong();
    assertThat(vod.get("fileName").asText()).isEqualTo("show-10.mp4");
    assertThat(vod.get("vodConfiguration").asLong()).isEqualTo(1);
    assertThat(http.ok("/shows/10").at("/show/vods/0").asLong()).isEqualTo(vodId);
    JsonNode renamed = http.write("PUT", "/vods/" + vodId, rooted("vod",
        Json.object().put("fileName", "budget.mp4").put("chaptersPublished", true))).json().get("vod");
    assertThat(renamed.get("fileName").asText()).isEqualTo("budget.mp4");
    assertThat(renamed.get("chaptersPublished").asBoolean()).isTrue();
    assertThat(http.write("PUT", "/vods/" + vodId, rooted("vod", Json.object().put("show", 11))).status())
        .isEqualTo(400);
    assertThat(http.write("DELETE", "/vods/" + vodId, null).status()).isEqualTo(204);
    assertThat(http.ok("/shows/10").at("/show/vods")).isEmpty();
    assertThat(cc.jobs().job("vod-" + vodId).orElseThrow().state().isTerminal()).isTrue();
    cc.jobs().assertHealthy();
  }

  @Test
  void resourcesWithoutWritesAnswer405() throws Exception {
    for (String[] call : new String[][] {{"POST", "/channels"}, {"PUT", "/channels/1"}, {"DELETE", "/locations/1"},
        {"POST", "/vodtransactions"}, {"DELETE", "/categories/1"}, {"PATCH", "/shows/1"}}) {
      CcHttp.Answer a = http.send(call[0], API + call[1], "{}", cc.authorization(), "application/json");
      assertThat(a.status()).as(call[0] + " " + call[1]).isEqualTo(405);
      assertThat(a.json().has("message")).isTrue();
    }
    assertThat(http.ok("/channels").at("/meta/count").asInt()).isEqualTo(3);
  }

  @Test
  void badBodiesAre400Or415InTheAspNetShapeAndChangeNothing() throws Exception {
    Map<String, Object> before = CcHttp.snapshot(cc);
    String auth = cc.authorization();
    record Case(String method, String path, String body, String type, int status, String key) {}
    List<Case> cases = List.of(
        new Case("POST", "/shows", "title=x", "application/x-www-form-urlencoded", 415, null),
        new Case("POST", "/shows", "<show/>", "text/xml", 415, null),
        new Case("POST", "/shows", "{\"show\":{\"title\":", "application/json", 400, "show"),
        new Case("POST", "/shows", "{\"show\":{}} trailing", "application/json", 400, "show"),
        new Case("POST", "/shows", "", "application/json", 400, "show"),
        new Case("POST", "/shows", "null", "application/json", 400, "show"),
        new Case("POST", "/shows", "[1,2]", "application/json", 400, "show"),
        new Case("POST", "/shows", "{\"title\":\"no root\"}", "application/json", 400, "title"),
        new Case("POST", "/shows", "{\"show\":\"x\"}", "application/json", 400, "show"),
        new Case("POST", "/shows", "{\"show\":{}}", "application/json", 400, "show.title"),
        new Case("POST", "/shows", "{\"show\":{\"title\":42}}", "application/json", 400, "show.title"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"cgExempt\":\"yes\"}}", "application/json", 400, "show.cgExempt"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"location\":\"1\"}}", "application/json", 400, "show.location"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"location\":1.5}}", "application/json", 400, "show.location"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"location\":77}}", "application/json", 400, "show.location"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"eventDate\":\"last tuesday\"}}", "application/json", 400, "show.eventDate"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"customFields\":[1]}}", "application/json", 400, "show.customFields"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\",\"tittle\":\"typo\"}}", "application/json", 400, "show.tittle"),
        new Case("POST", "/shows", "{\"show\":{\"title\":\"t\"},\"extra\":1}", "application/json", 400, "extra"),
        new Case("PUT", "/shows/1", "{\"show\":{\"title\":null}}", "application/json", 400, "show.title"),
        new Case("PUT", "/shows/1", "{\"show\":{\"id\":2,\"title\":\"x\"}}", "application/json", 400, "show.id"),
        new Case("PUT", "/shows/1", "{\"show\":{\"producer\":true}}", "application/json", 400, "show.producer"),
        new Case("PUT", "/shows/999", "{\"show\":{\"title\":\"x\"}}", "application/json", 404, null),
        new Case("POST", "/scheduleitems", "{\"scheduleItem\":{\"show\":1,\"channel\":1}}", "application/json", 400, "scheduleItem.runDateTime"),
        new Case("POST", "/scheduleitems", "{\"scheduleItem\":{\"show\":1,\"channel\":99,\"runDateTime\":\"2026-12-05T01:00:00Z\"}}", "application/json", 400, "scheduleItem.channel"),
        new Case("POST", "/scheduleitems", "{\"scheduleItem\":{\"show\":1,\"channel\":1,\"runDateTime\":12345}}", "application/json", 400, "scheduleItem.runDateTime"),
        new Case("POST", "/scheduleitems", "{\"scheduleItem\":{\"show\":1,\"channel\":1,\"runDateTime\":\"2026-12-05T01:00:00Z\",\"idType\":99999999999}}", "application/json", 400, "scheduleItem.idType"),
        new Case("PUT", "/scheduleitems/1", "{\"scheduleItem\":{\"deleted\":\"no\"}}", "application/json", 400, "scheduleItem.deleted"),
        new Case("POST", "/vods", "{\"vod\":{}}", "application/json", 400, "vod.show"),
        new Case("POST", "/vods", "{\"vod\":{\"show\":12345}}", "application/json", 400, "vod.show"),
        new Case("POST", "/vods", "{\"vod\":{\"show\":1,\"vodConfiguration\":9}}", "application/json", 400, "vod.vodConfiguration"),
        new Case("POST", "/reels", "{\"reel\":{\"show\":1,\"length\":-0.5}}", "application/json", 400, "reel.length"),
        new Case("DELETE", "/scheduleitems/99999", null, null, 404, null));
    for (Case c : cases) {
      CcHttp.Answer a = http.send(c.method(), API + c.path(), c.body(), auth, c.type());
      assertThat(a.status()).as("%s %s %s -> %s", c.method(), c.path(), c.body(), a.text()).isEqualTo(c.status());
      JsonNode body = a.json();
      assertThat(body.get("message").isTextual()).as(a.text()).isTrue();
      if (c.key() != null) {
        assertThat(body.get("message").asText()).isEqualTo("The request is invalid.");
        assertThat(body.get("modelState").has(c.key())).as("%s in %s", c.key(), a.text()).isTrue();
        assertThat(body.get("modelState").get(c.key()).get(0).isTextual()).isTrue();
      }
    }
    assertThat(CcHttp.snapshot(cc)).isEqualTo(before);
    // and the fake keeps serving
    assertThat(http.write("POST", "/shows", rooted("show", show("Fine"))).status()).isEqualTo(200);
  }

  @Test
  void absurdPagingValuesAre400AndChangeNothing() throws Exception {
    Map<String, Object> before = CcHttp.snapshot(cc);
    for (String q : List.of("page_size=0", "page_size=-2", "page_size=-100000", "page_size=abc",
        "page_size=2147483648", "page_size=99999999999999999999999", "page_size=1.5", "page_size=",
        "offset=-1", "offset=x", "offset=2147483648", "page_size=10&offset=-5",
        "include_cg_exempt=maybe")) {
      String path = (q.startsWith("include_cg") ? "/scheduleitems?" : "/shows?") + q;
      CcHttp.Answer a = http.get(path);
      assertThat(a.status()).as(path).isEqualTo(400);
      assertThat(a.json().get("message").asText()).isEqualTo("The request is invalid.");
      assertThat(a.json().get("modelState").size()).isEqualTo(1);
    }
    assertThat(http.get("/shows?page_size=2147483647&offset=2147483647").json().get("shows")).isEmpty();
    assertThat(CcHttp.snapshot(cc)).isEqualTo(before);
  }

  @Test
  void aJavaDeclaredLibraryReplacesOrExtendsTheDefaultAndResetRestoresIt() throws Exception {
    try (CablecastFake mine = CablecastFake.builder()
        .emptyLibrary()
        .clock(clock)
        .library(lib -> {
          long studio = lib.location("Studio B");
          long ch = lib.channel("Channel 99", studio);
          long show = lib.show("Archive Special").location(studio).reel(600).reel(300).create();
          lib.readyVod(show);
          lib.scheduleItem(ch, show, lib.today().plusSeconds(3600));
        })
        .start()) {
      CcHttp h = new CcHttp(mine);
      JsonNode shows = h.ok("/shows?include=reel,vod");
      assertThat(shows.get("shows")).hasSize(1);
      assertThat(shows.at("/shows/0/totalRunTime").asLong()).isEqualTo(900);
      assertThat(shows.get("reels")).hasSize(2);
      assertThat(shows.at("/vods/0/isWatchable").asBoolean()).isTrue();
      assertThat(h.ok("/scheduleitems").at("/scheduleItems/0/runDateTime").asText())
          .isEqualTo("2026-12-04T01:00:00+00:00");
      h.write("POST", "/shows", rooted("show", Json.object().put("title", "Later")));
      mine.declare(lib -> lib.show("Declared at run time").create());
      assertThat(mine.count("show")).isEqualTo(3);
      mine.reset();
      assertThat(mine.count("show")).isEqualTo(1);
      assertThat(h.ok("/shows/1").at("/show/title").asText()).isEqualTo("Archive Special");
      assertThat(h.write("POST", "/shows", rooted("show", Json.object().put("title", "Again")))
          .json().at("/show/id").asLong()).isEqualTo(2); // ids restart on reset
    }
    try (CablecastFake more = CablecastFake.builder().clock(clock)
        .library(lib -> lib.show("Thirteenth").create()).start()) {
      assertThat(more.count("show")).isEqualTo(13);
      assertThat(more.record("show", 13).orElseThrow().get("title").asText()).isEqualTo("Thirteenth");
    }
  }
}
