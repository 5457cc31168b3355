package dev.backlot.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JournalTest {

  private final Journal journal = new Journal(5, 8);

  private Entry request(String method, String path, String query, String body, int status) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", List.of("application/json"));
    Entry e =
        journal.record(Entry.Kind.HTTP, Instant.EPOCH, method, path, query, headers,
            body.getBytes(StandardCharsets.UTF_8));
    e.complete(status, "");
    return e;
  }

  @Test
  void isBoundedAndCountsWhatItDropped() {
    for (int i = 0; i < 12; i++) {
      request("GET", "/n/" + i, "", "", 200);
    }
    assertThat(journal.size()).isEqualTo(5);
    assertThat(journal.total()).isEqualTo(12);
    assertThat(journal.entries().get(0).path()).isEqualTo("/n/7");
    assertThat(journal.describe(2)).contains("10 earlier entries not shown").contains("/n/11");
  }

  @Test
  void capsBodiesButRemembersTheirSize() {
    Entry e = request("POST", "/x", "", "0123456789abcdef", 200);
    assertThat(e.bodyText()).isEqualTo("01234567");
    assertThat(e.bodySize()).isEqualTo(16);
    assertThat(e.bodyTruncated()).isTrue();
    assertThat(e.toString()).contains("(16 bytes)");
  }

  @Test
  void queriesFindCountAndLast() {
    request("GET", "/a", "", "", 200);
    request("POST", "/b", "k=v", "{}", 201);
    request("GET", "/a", "", "", 500);
    assertThat(journal.count(RequestPattern.get("/a"))).isEqualTo(2);
    assertThat(journal.find(RequestPattern.get("/a").status(500))).hasSize(1);
    assertThat(journal.last(RequestPattern.post("/{x}")).orElseThrow().query()).isEqualTo("k=v");
    assertThat(journal.last().orElseThrow().status()).isEqualTo(500);
    journal.verify(RequestPattern.post("/b").query("k", "v").header("content-type", "application/json"));
    journal.verifyNone(RequestPattern.delete("/a"));
  }

  @Test
  void verificationFailureNamesTheClosestRequestAndHowItDiffers() {
    request("GET", "/queue", "", "", 200);
    request("POST", "/prompt", "", "{\"prompt\":{}}", 200);
    request("GET", "/history", "", "", 200);

    assertThatThrownBy(
            () -> journal.verify(RequestPattern.post("/prompt").bodyContains("KSampler")))
        .isInstanceOf(VerificationError.class)
        .hasMessageContaining("Expected at least 1 request(s) matching POST /prompt, body containing \"KSampler\" but found 0")
        .hasMessageContaining("Closest requests received:\n  #2 POST /prompt")
        .hasMessageContaining("- body does not contain \"KSampler\"");
  }

  @Test
  void verificationOfACountShowsTheMatchingRequests() {
    request("GET", "/a", "", "", 200);
    assertThatThrownBy(() -> journal.verify(2, RequestPattern.get("/a")))
        .hasMessageContaining("Expected 2")
        .hasMessageContaining("found 1")
        .hasMessageContaining("Matching requests:\n  #1 GET /a -> 200");
  }

  @Test
  void verificationOnAnEmptyJournalSaysSo() {
    assertThatThrownBy(() -> journal.verify(RequestPattern.anyRequest()))
        .hasMessageContaining("No request was received at all");
  }

  @Test
  void clearRestartsNumbering() {
    request("GET", "/a", "", "", 200);
    journal.clear();
    assertThat(journal.size()).isZero();
    assertThat(request("GET", "/b", "", "", 200).id()).isEqualTo(1);
  }

  @Test
  void methodMismatchIsExplained() {
    request("GET", "/prompt", "", "", 200);
    assertThat(RequestPattern.post("/prompt").mismatches(journal.last().orElseThrow()))
        .containsExactly("method was GET, not POST");
  }

  @Test
  void appendsFromManyThreadsAreAllNumberedAndReadBackInIdOrder() throws Exception {
    Journal j = new Journal(1_000, 8);
    int threads = 4;
    int each = 2_000;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> ts = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          j.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/t/" + n, "", Map.of(), new byte[0]);
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    assertThat(j.total()).isEqualTo(threads * each);
    assertThat(j.size()).isEqualTo(1_000);
    List<Entry> held = j.entries();
    assertThat(held).hasSize(1_000);
    assertThat(held).extracting(Entry::id).isSorted().doesNotHaveDuplicates();
    assertThat(held.get(held.size() - 1).id()).isEqualTo(threads * each);
    assertThat(j.count(e -> true)).isEqualTo(1_000);
  }

  @Test
  void responseBodiesAreKeptAsBytesAndReadAsText() {
    Recorder rec = Recorder.create(5, 8);
    Entry small = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/s", "", Map.of(), new byte[0]);
    rec.complete(small, 200, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8), "application/json");
    assertThat(small.responseBody()).isEqualTo("{\"ok\":true}");
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.completed()).isTrue();

    Entry big = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/b", "", Map.of(), new byte[0]);
    rec.complete(big, 200, "é".repeat(3_000).getBytes(StandardCharsets.UTF_8), "text/plain");
    assertThat(big.responseBody()).hasSize(2_048 + 3).endsWith("...");

    Entry bin = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/p", "", Map.of(), new byte[0]);
    rec.complete(bin, 200, new byte[70_000], "image/png");
    assertThat(bin.responseBody()).isEqualTo("(70000 bytes image/png)");

    Entry none = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/n", "", Map.of(), new byte[0]);
    rec.complete(none, 204, new byte[0], null);
    assertThat(none.responseBody()).isEmpty();
    assertThat(none.toString()).contains("-> 204");
  }

  @Test
  void staysUnderItsByteCapOldestFirst() {
    Recorder rec = Recorder.create(10_000, 4_096, 64 * 1024);
    byte[] big = new byte[10_000];
    byte[] reply = "r".repeat(3_000).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 500; i++) {
      Entry e = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "POST", "/up/" + i, "", Map.of(), big);
      rec.complete(e, 200, reply, "application/json");
      assertThat(rec.journal().bytes()).isLessThanOrEqualTo(64 * 1024);
    }
    Journal j = rec.journal();
    // each entry holds 4,096 + 3,000 bytes: 9 fit under 64 KiB
    assertThat(j.size()).isEqualTo(9);
    assertThat(j.bytes()).isEqualTo(9 * 7_096);
    assertThat(j.total()).isEqualTo(500);
    assertThat(j.entries()).extracting(Entry::path).first().isEqualTo("/up/491");
    assertThat(j.last().orElseThrow().path()).isEqualTo("/up/499");
    j.clear();
    assertThat(j.bytes()).isZero();
  }

  @Test
  void theNewestEntryStaysEvenAloneOverTheCap() {
    Recorder rec = Recorder.create(10, 1_000, 100);
    rec.record(Entry.Kind.HTTP, Instant.EPOCH, "POST", "/a", "", Map.of(), new byte[60]);
    rec.record(Entry.Kind.HTTP, Instant.EPOCH, "POST", "/b", "", Map.of(), new byte[500]);
    assertThat(rec.journal().entries()).extracting(Entry::path).containsExactly("/b");
    assertThat(rec.journal().bytes()).isEqualTo(500);
    rec.record(Entry.Kind.HTTP, Instant.EPOCH, "POST", "/c", "", Map.of(), new byte[10]);
    assertThat(rec.journal().entries()).extracting(Entry::path).containsExactly("/c");
  }

  @Test
  void aResponseOfADroppedEntryIsNotCounted() {
    Recorder rec = Recorder.create(1, 100);
    Entry first = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/1", "", Map.of(), new byte[0]);
    rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/2", "", Map.of(), new byte[0]);
    rec.complete(first, 200, "late".getBytes(StandardCharsets.UTF_8), "text/plain"); // dropped already
    assertThat(rec.journal().bytes()).isZero();
    assertThat(first.responseBody()).isEqualTo("late"); // the entry itself still tells
  }

  @Test
  void badBoundsAreRefused() {
    assertThatThrownBy(() -> new Journal(0, 10, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Journal(10, -1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Journal(10, 10, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes >= 0");
  }
}
