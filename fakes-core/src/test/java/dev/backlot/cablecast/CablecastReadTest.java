package dev.backlot.cablecast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Reads with a plain HTTP client against the default library: roots, ids, every list query
 * parameter, sideloads, paging and the schedule's range edges.
 */
class CablecastReadTest {

  static final Instant NOW = Instant.parse("2026-12-04T15:30:00Z");
  static final Instant TODAY = Instant.parse("2026-12-04T00:00:00Z");

  private static final ManualClock CLOCK = Clock.manual(NOW);
  private static final CablecastFake CC = CablecastFake.builder().clock(CLOCK).start();
  private static final CcHttp HTTP = new CcHttp(CC);

  @AfterAll
  static void close() {
    CC.close();
  }

  private static List<Long> ids(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asLong()));
    return out;
  }

  private static Instant at(JsonNode item) {
    return OffsetDateTime.parse(item.get("runDateTime").asText()).toInstant();
  }

  @Test
  void theDefaultLibraryIsConsistentAndLinkedBothWays() throws Exception {
    JsonNode channels = HTTP.ok("/channels").get("channels");
    assertThat(channels.size()).isGreaterThanOrEqualTo(2);
    JsonNode doc = HTTP.ok("/shows?page_size=-1&include=reel,vod");
    JsonNode shows = doc.get("shows");
    assertThat(shows).hasSize(12);
    Set<Long> vodIds = new TreeSet<>();
    for (JsonNode show : shows) {
      assertThat(show.get("id").isIntegralNumber()).isTrue();
      assertThat(show.get("reels").size()).as("reels of %s", show).isGreaterThanOrEqualTo(1);
      long total = 0;
      for (JsonNode reelId : show.get("reels")) {
        JsonNode reel = HTTP.ok("/reels/" + reelId.asLong()).get("reel");
        assertThat(reel.get("show").asLong()).isEqualTo(show.get("id").asLong());
        total += reel.get("length").asLong();
      }
      assertThat(show.get("totalRunTime").asLong()).isEqualTo(total);
      for (JsonNode vodId : show.get("vods")) {
        JsonNode vod = HTTP.ok("/vods/" + vodId.asLong()).get("vod");
        assertThat(vod.get("show").asLong()).isEqualTo(show.get("id").asLong());
        vodIds.add(vodId.asLong());
      }
    }
    JsonNode vods = HTTP.ok("/vods?page_size=-1").get("vods");
    assertThat(vods.size()).isGreaterThanOrEqualTo(3);
    assertThat(new TreeSet<>(ids(vods))).isEqualTo(vodIds);
    for (JsonNode vod : vods) {
      JsonNode show = HTTP.ok("/shows/" + vod.get("show").asLong()).get("show");
      assertThat(ids(HTTP.ok("/vods?show=" + show.get("id").asLong()).get("vods")))
          .contains(vod.get("id").asLong());
      assertThat(show.get("vods").toString()).contains(vod.get("id").asText());
      assertThat(vod.get("isWatchable").asBoolean()).isTrue();
      JsonNode last = HTTP.ok("/vodtransactions/" + vod.get("lastTransaction").asLong()).get("vodTransaction");
      assertThat(last.get("transactionType").asInt()).isEqualTo(5);
      assertThat(vod.get("url").asText()).startsWith(CC.baseUri().toString() + "/vod/");
    }
    JsonNode items = HTTP.ok("/scheduleitems?page_size=-1").get("scheduleItems");
    assertThat(items).hasSize(7 * 3 * 9);
    Set<Long> channelIds = new TreeSet<>(ids(channels));
    Set<Long> showIds = new TreeSet<>(ids(shows));
    for (JsonNode item : items) {
      assertThat(channelIds).contains(item.get("channel").asLong());
      assertThat(showIds).contains(item.get("show").asLong());
      assertThat(at(item)).isBetween(TODAY, TODAY.plus(Duration.ofDays(7)));
    }
    for (String path : List.of("/locations", "/categories", "/producers", "/projects", "/vodconfigurations")) {
      String root = path.substring(1).equals("vodconfigurations") ? "vodConfigurations" : path.substring(1);
      assertThat(HTTP.ok(path).get(root).size()).as(path).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void oneRecordHasASingularRootAListAPluralRootWithMeta() throws Exception {
    JsonNode one = HTTP.ok("/shows/3");
    assertThat(one.fieldNames()).toIterable().containsExactly("show");
    assertThat(one.get("show").get("id").isIntegralNumber()).isTrue();
    assertThat(one.get("show").get("id").asLong()).isEqualTo(3);
    assertThat(one.get("show").get("title").asText()).isEqualTo("Planning Board");

    JsonNode list = HTTP.ok("/channels");
    assertThat(list.fieldNames()).toIterable().containsExactly("channels", "meta");
    assertThat(list.get("meta").get("count").asInt()).isEqualTo(3);
    assertThat(list.get("meta").get("pageSize").asInt()).isEqualTo(Queries.DEFAULT_PAGE_SIZE);

    JsonNode item = HTTP.ok("/scheduleitems/1").get("scheduleItem");
    assertThat(item.get("channel").isIntegralNumber()).isTrue();
    assertThat(item.get("runDateTime").asText()).isEqualTo("2026-12-04T06:00:00+00:00");

    // IIS routes without regard to case, and clients write /CablecastAPI/
    assertThat(HTTP.send("GET", "/CablecastAPI/v1/Shows/3", null, null, null).json())
        .isEqualTo(one);
  }

  @Test
  void unknownIdsAndPathsAre404InTheAspNetShape() throws Exception {
    CcHttp.Answer missing = HTTP.get("/shows/999");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("message").asText()).isEqualTo("No show with id 999 was found.");
    for (String path : List.of("/vods/999", "/channels/999", "/scheduleitems/99999", "/reels/0",
        "/locations/999", "/categories/999", "/producers/999", "/projects/999", "/fileuploads/999",
        "/assets/999")) {
      assertThat(HTTP.get(path).status()).as(path).isEqualTo(404);
    }
    CcHttp.Answer notANumber = HTTP.get("/shows/abc");
    assertThat(notANumber.status()).isEqualTo(404);
    assertThat(notANumber.json().get("message").asText()).startsWith("No HTTP resource was found");
    assertThat(HTTP.get("/nosuchthing").status()).isEqualTo(404);
    assertThat(HTTP.send("GET", "/other/v1/shows", null, null, null).status()).isEqualTo(404);
    CcHttp.Answer deep = HTTP.send("GET", "/a/b/c/d/e", null, null, null);
    assertThat(deep.status()).isEqualTo(404);
    assertThat(deep.json().get("message").asText()).startsWith("No HTTP resource was found");
  }

  @Test
  void idsSelectsExactlyThoseRecords() throws Exception {
    assertThat(ids(HTTP.ok("/shows?ids[]=2&ids[]=5&ids[]=11").get("shows"))).containsExactly(2L, 5L, 11L);
    assertThat(ids(HTTP.ok("/shows?ids%5B%5D=4").get("shows"))).containsExactly(4L);
    assertThat(ids(HTTP.ok("/shows?ids=7&ids=1").get("shows"))).containsExactly(1L, 7L);
    assertThat(HTTP.ok("/shows?ids[]=404").get("shows")).isEmpty();
    assertThat(ids(HTTP.ok("/channels?ids[]=2").get("channels"))).containsExactly(2L);
    CcHttp.Answer bad = HTTP.get("/shows?ids[]=two");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText()).isEqualTo("The request is invalid.");
    assertThat(bad.json().at("/modelState/ids/0").asText()).contains("two");
  }

  @Test
  void searchMatchesTitlesAndNamesWithoutRegardToCase() throws Exception {
    List<JsonNode> all = CC.records("show");
    List<Long> expected = new ArrayList<>();
    for (JsonNode s : all) {
      String hay = (s.get("title").asText() + " " + s.get("cgTitle").asText() + " "
          + s.get("comments").asText()).toLowerCase(Locale.ROOT);
      if (hay.contains("meeting")) {
        expected.add(s.get("id").asLong());
      }
    }
    assertThat(expected).hasSizeBetween(2, 11);
    JsonNode found = HTTP.ok("/shows?search=MEETING&page_size=-1");
    assertThat(ids(found.get("shows"))).isEqualTo(expected);
    assertThat(found.get("meta").get("count").asInt()).isEqualTo(expected.size());
    assertThat(HTTP.ok("/shows?search=zzzz").get("shows")).isEmpty();
    assertThat(HTTP.ok("/shows?search=zzzz").at("/meta/count").asInt()).isZero();
    assertThat(ids(HTTP.ok("/channels?search=education").get("channels"))).containsExactly(2L);
    assertThat(ids(HTTP.ok("/shows?search=board&ids[]=3&ids[]=4").get("shows"))).containsExactly(3L);
    // nothing to search on schedule items: the parameter is ignored, as ASP.NET ignores unknown ones
    assertThat(HTTP.ok("/scheduleitems?search=zzzz").at("/meta/count").asInt()).isEqualTo(189);
  }

  @Test
  void linkFieldsFilterLists() throws Exception {
    for (JsonNode r : HTTP.ok("/reels?show=1").get("reels")) {
      assertThat(r.get("show").asLong()).isEqualTo(1);
    }
    assertThat(HTTP.ok("/reels?show=1").get("reels")).hasSize(3);
    JsonNode ch2 = HTTP.ok("/scheduleitems?channel=2&page_size=-1").get("scheduleItems");
    assertThat(ch2).hasSize(7 * 9);
    ch2.forEach(i -> assertThat(i.get("channel").asLong()).isEqualTo(2));
    JsonNode byShow = HTTP.ok("/scheduleitems?show=4&page_size=-1").get("scheduleItems");
    assertThat(byShow).isNotEmpty();
    byShow.forEach(i -> assertThat(i.get("show").asLong()).isEqualTo(4));
    long government = HTTP.ok("/categories?search=government").at("/categories/0/id").asLong();
    JsonNode gov = HTTP.ok("/shows?category=" + government + "&page_size=-1").get("shows");
    assertThat(gov).isNotEmpty();
    gov.forEach(s -> assertThat(s.get("category").asLong()).isEqualTo(government));
    assertThat(HTTP.get("/scheduleitems?channel=x").status()).isEqualTo(400);
  }

  @Test
  void sideloadsHoldExactlyTheLinkedRecordsAndTheyExist() throws Exception {
    JsonNode doc = HTTP.ok("/shows?page_size=4&offset=1"
        + "&include=reel,vod,category,producer,project,location,scheduleitem,webfile,thumbnail,nonsense");
    JsonNode shows = doc.get("shows");
    assertThat(ids(shows)).containsExactly(5L, 6L, 7L, 8L);
    for (String[] link : new String[][] {
        {"reels", "reels", "/reels/"}, {"vods", "vods", "/vods/"}, {"category", "categories", "/categories/"},
        {"producer", "producers", "/producers/"}, {"project", "projects", "/projects/"},
        {"location", "locations", "/locations/"}}) {
      Set<Long> referenced = new TreeSet<>();
      for (JsonNode s : shows) {
        JsonNode v = s.get(link[0]);
        if (v.isArray()) {
          v.forEach(x -> referenced.add(x.asLong()));
        } else if (!v.isNull()) {
          referenced.add(v.asLong());
        }
      }
      assertThat(referenced).as(link[0]).isNotEmpty();
      Set<Long> sideloaded = new TreeSet<>(ids(doc.get(link[1])));
      assertThat(sideloaded).as(link[1]).isEqualTo(referenced);
      for (long id : sideloaded) {
        assertThat(HTTP.get(link[2] + id).status()).as(link[2] + id).isEqualTo(200);
      }
    }
    Set<Long> showIds = new TreeSet<>(ids(shows));
    JsonNode items = doc.get("scheduleItems");
    assertThat(items).isNotEmpty();
    items.forEach(i -> assertThat(showIds).contains(i.get("show").asLong()));
    int expectedItems = 0;
    for (long id : showIds) {
      expectedItems += HTTP.ok("/scheduleitems?page_size=-1&show=" + id).at("/meta/count").asInt();
    }
    assertThat(items).hasSize(expectedItems);
    assertThat(doc.get("webFiles")).isEmpty();
    assertThat(doc.get("thumbnails")).isEmpty();
    assertThat(doc.has("nonsense")).isFalse();

    JsonNode vodDoc = HTTP.ok("/vods/2?include=show,vodtransaction");
    assertThat(ids(vodDoc.get("shows"))).containsExactly(vodDoc.at("/vod/show").asLong());
    assertThat(ids(vodDoc.get("vodTransactions")))
        .containsExactlyElementsOf(ids(HTTP.ok("/vodtransactions?vod=2").get("vodTransactions")));

    JsonNode sched = HTTP.ok("/scheduleitems?channel=3&page_size=5&include=show,channel");
    assertThat(ids(sched.get("channels"))).containsExactly(3L);
    Set<Long> schedShows = new TreeSet<>();
    sched.get("scheduleItems").forEach(i -> schedShows.add(i.get("show").asLong()));
    assertThat(new TreeSet<>(ids(sched.get("shows")))).isEqualTo(schedShows);
  }

  @Test
  void pageSizeOneWalksTheDefaultOrder() throws Exception {
    for (String list : List.of("/shows", "/scheduleitems?channel=1", "/vods", "/reels")) {
      String sep = list.contains("?") ? "&" : "?";
      JsonNode all = HTTP.ok(list + sep + "page_size=-1");
      String root = all.fieldNames().next();
      List<Long> expected = ids(all.get(root));
      int count = all.get("meta").get("count").asInt();
      assertThat(all.get("meta").get("pageSize").asInt()).isEqualTo(count);
      assertThat(expected).hasSize(count);
      List<Long> walked = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        JsonNode page = HTTP.ok(list + sep + "page_size=1&offset=" + i);
        assertThat(page.get(root)).hasSize(1);
        assertThat(page.get("meta").get("count").asInt()).isEqualTo(count);
        assertThat(page.get("meta").get("pageSize").asInt()).isEqualTo(1);
        assertThat(page.get("meta").get("offset").asInt()).isEqualTo(i);
        walked.add(page.get(root).get(0).get("id").asLong());
      }
      assertThat(walked).as(list).isEqualTo(expected);
      assertThat(HTTP.ok(list + sep + "page_size=1&offset=" + count).get(root)).isEmpty();
    }
    // schedule items come in runDateTime order
    List<Instant> times = new ArrayList<>();
    HTTP.ok("/scheduleitems?page_size=-1").get("scheduleItems").forEach(i -> times.add(at(i)));
    assertThat(times).isSorted();
  }

  @Test
  void pageSizeAndOffsetCutPagesAndDefaultToFifty() throws Exception {
    List<Long> all = ids(HTTP.ok("/scheduleitems?page_size=-1").get("scheduleItems"));
    JsonNode third = HTTP.ok("/scheduleitems?page_size=5&offset=2");
    assertThat(ids(third.get("scheduleItems"))).isEqualTo(all.subList(10, 15));
    JsonNode first = HTTP.ok("/scheduleitems");
    assertThat(first.get("scheduleItems")).hasSize(50);
    assertThat(first.get("meta").get("count").asInt()).isEqualTo(189);
    assertThat(first.get("meta").get("pageSize").asInt()).isEqualTo(50);
    JsonNode last = HTTP.ok("/scheduleitems?offset=3");
    assertThat(ids(last.get("scheduleItems"))).isEqualTo(all.subList(150, 189));
    assertThat(HTTP.ok("/scheduleitems?page_size=1000000").get("scheduleItems")).hasSize(189);
  }

  @Test
  void scheduleRangesAreInclusiveAtBothEnds() throws Exception {
    String day = "/scheduleitems?page_size=-1&start=2026-12-05T06:00:00Z&end=2026-12-05T22:00:00Z";
    JsonNode inclusive = HTTP.ok(day).get("scheduleItems");
    assertThat(inclusive).hasSize(27);
    List<Instant> times = new ArrayList<>();
    inclusive.forEach(i -> times.add(at(i)));
    assertThat(times).contains(Instant.parse("2026-12-05T06:00:00Z"), Instant.parse("2026-12-05T22:00:00Z"));

    JsonNode inner = HTTP.ok("/scheduleitems?page_size=-1&start=2026-12-05T06:00:01Z&end=2026-12-05T21:59:59Z")
        .get("scheduleItems");
    assertThat(inner).hasSize(21);

    JsonNode exact = HTTP.ok("/scheduleitems?page_size=-1&channel=1&start=2026-12-06T14:00:00%2B00:00"
        + "&end=2026-12-06T14:00:00%2B00:00").get("scheduleItems");
    assertThat(exact).hasSize(1);
    assertThat(at(exact.get(0))).isEqualTo(Instant.parse("2026-12-06T14:00:00Z"));
    // the same instant written with another offset, and as a local time in the station's zone
    assertThat(HTTP.ok("/scheduleitems?channel=1&start=2026-12-06T16:00:00%2B02:00&end=2026-12-06T09:00:00-05:00")
        .get("scheduleItems")).hasSize(1);
    assertThat(HTTP.ok("/scheduleitems?channel=1&start=2026-12-06T14:00:00&end=2026-12-06T14:00:00")
        .get("scheduleItems")).hasSize(1);
    assertThat(HTTP.ok("/scheduleitems?channel=1&start=2026-12-06T14:00:00.001Z&end=2026-12-06T14:00:00.999Z")
        .get("scheduleItems")).isEmpty();

    // only a start, only an end, and bare dates (midnight in the station's zone)
    assertThat(HTTP.ok("/scheduleitems?page_size=-1&start=2026-12-10T22:00:00Z").get("scheduleItems")).hasSize(3);
    assertThat(HTTP.ok("/scheduleitems?page_size=-1&end=2026-12-04T06:00:00Z").get("scheduleItems")).hasSize(3);
    assertThat(HTTP.ok("/scheduleitems?page_size=-1&start=2026-12-05&end=2026-12-06").get("scheduleItems"))
        .hasSize(27);
    assertThat(HTTP.ok("/scheduleitems?start=2026-12-11").at("/meta/count").asInt()).isZero();
    assertThat(HTTP.ok("/scheduleitems?start=2026-12-06T23:00:00Z&end=2026-12-06T01:00:00Z")
        .at("/meta/count").asInt()).isZero();

    CcHttp.Answer bad = HTTP.get("/scheduleitems?start=tomorrow&end=2026-13-01");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("modelState").fieldNames()).toIterable().containsExactly("start", "end");
  }
}
