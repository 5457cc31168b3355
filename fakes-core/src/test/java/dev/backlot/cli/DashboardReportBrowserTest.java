package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.Fake;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The static report opened from disk (file://, no server) in headless Chromium, and the live page
 * holding 10,000 journal entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardReportBrowserTest {

  private static final Pattern ITEM = Pattern.compile("/item/(\\d+)");

  // HTTP/1.1: the JDK client's default (h2c upgrade attempts) doubles the cost of 10,000 requests
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Browser browser;

  @BeforeAll
  void open() {
    browser = Browser.open();
  }

  @AfterAll
  void close() {
    if (browser != null) {
      browser.close();
    }
  }

  private HttpResponse<String> send(HttpRequest r) throws Exception {
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theReportOpensFromDiskAndShowsTheFailingTestsTraffic() throws Exception {
    Path dir = Path.of("target/dashboard-report");
    try (HttpFake payments = HttpFake.builder().start(); HttpFake other = HttpFake.builder().start()) {
      payments.stub("POST", "/charges").respond(Response.json(201, "{\"id\":\"ch_1\"}"));
      payments.stub("POST", "/receipts").respond(Response.status(204));
      payments.faults().on("POST", "/charges").nth(2).status(503);
      URI base = payments.baseUri();
      byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0};
      send(HttpRequest.newBuilder(base.resolve("/receipts")).header("Content-Type", "image/png")
          .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build());
      String longText = "x".repeat(10_000);
      send(HttpRequest.newBuilder(base.resolve("/charges")).header("Content-Type", "text/plain")
          .POST(HttpRequest.BodyPublishers.ofString(longText)).build());
      send(HttpRequest.newBuilder(base.resolve("/charges")).POST(HttpRequest.BodyPublishers.ofString("{\"amount\":5}")).build());
      send(HttpRequest.newBuilder(other.baseUri().resolve("/ping")).build());

      Map<String, Fake> fakes = new LinkedHashMap<>();
      fakes.put("payments", payments);
      fakes.put("ledger", other);
      DashboardReport.write(dir, "com.example.CheckoutTest", "chargesOnce", "passed", null, Map.of("payments", payments));
      URI link = DashboardReport.write(dir, "com.example.CheckoutTest", "paysTwice", "failed",
          "java.lang.AssertionError: expected 1 charge but was 2", fakes);
      assertThat(link.getScheme()).isEqualTo("file");

      browser.driver.get(link.toString());
      browser.await("the failing test's traffic", d -> d.findElements(By.cssSelector("#rows tr.e")).size() == 4);
      assertThat(browser.textOf(By.id("test-title"))).contains("CheckoutTest › paysTwice: failed")
          .contains("expected 1 charge but was 2");
      assertThat(browser.textOf(By.id("test-list"))).contains("failed").contains("paysTwice").contains("chargesOnce");
      assertThat(browser.textOf(By.id("fake-payments"))).contains("Fault rules of payments").contains(base.toString());
      assertThat(browser.textOf(By.id("fake-ledger"))).contains("journal 1 entries");
      String rows = browser.textOf(By.id("rows"));
      assertThat(rows).contains("/receipts").contains("/charges").contains("503").contains("fault: #1").contains("/ping");
      assertThat(browser.js("return document.getElementById('clock').hidden")).isEqualTo(true);
      browser.screenshot("10-report-failing-test");

      browser.click(By.xpath("//tbody[@id='rows']/tr[contains(., '/receipts')]//button"));
      String binary = browser.await("the binary body summarised", d -> {
        String t = d.findElement(By.id("detail-body")).getText();
        return t.contains("Request body") ? t : null;
      });
      assertThat(binary).contains("(binary image/png, 20 bytes)");
      browser.click(By.xpath("//tbody[@id='rows']/tr[contains(., 'xxxx')]//button"));
      String cut = browser.await("the long body cut", d -> {
        String t = d.findElement(By.id("detail-body")).getText();
        return t.contains("(10000 bytes)") ? t : null;
      });
      assertThat(cut).doesNotContain("x".repeat(5000));
      browser.screenshot("11-report-detail");

      browser.click(By.xpath("//ul[@id='test-list']//button[contains(., 'chargesOnce')]"));
      browser.await("the passing test's page", d -> d.findElement(By.id("test-title")).getText().contains("chargesOnce: passed"));
      assertThat(browser.textOf(By.id("fake-list"))).doesNotContain("ledger");
    }
  }

  @Test
  void theLivePageStaysResponsiveWithTenThousandEntries(@TempDir Path tmp) throws Exception {
    Path config = tmp.resolve("c.yaml");
    Files.writeString(config, """
        fakes:
          http:
            stubs:
              - {method: GET, path: "/item/{n}", status: 200, json: {ok: true}}
        """);
    try (Launcher.Running launcher = Launcher.start(new String[] {"--fakes", "http", "--config", config.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      String http = launcher.endpoints().get("http");
      long t0 = System.nanoTime();
      Semaphore inFlight = new Semaphore(32);
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 1; i <= 10_000; i++) {
        inFlight.acquire();
        all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(http + "/item/" + i)).build(),
            HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> inFlight.release()));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      long sent = System.nanoTime();

      browser.driver.get(launcher.endpoints().get("admin") + "/");
      browser.await("10,000 entries loaded", d -> d.findElement(By.id("count")).getText().equals("10000 entries"));
      long loaded = System.nanoTime();
      Number rowsInDom = (Number) browser.js("return document.querySelectorAll('#rows tr.e').length");
      assertThat(rowsInDom.intValue()).as("rows rendered (the rest are virtual)").isBetween(10, 200);
      browser.screenshot("12-ten-thousand-entries");

      // scrolling to the middle renders the rows there
      browser.js("document.getElementById('f-follow').checked = false;"
          + "var s = document.getElementById('scroller'); s.scrollTop = 5000 * 24;");
      // Requests went 32 at a time, so arrival order (the journal's) is item order only to within
      // about 32 places: the rows drawn there are items near 5,000, not exactly /item/5001.
      browser.await("rows of the middle", d -> {
        List<Integer> items = new ArrayList<>();
        Matcher m = ITEM.matcher(d.findElement(By.id("rows")).getText());
        while (m.find()) {
          items.add(Integer.parseInt(m.group(1)));
        }
        return !items.isEmpty() && items.stream().allMatch(n -> n > 4_800 && n < 5_200);
      });
      // a filter over all 10,000 answers
      browser.driver.findElement(By.id("f-path")).sendKeys("/item/9876");
      browser.await("one match", d -> d.findElement(By.id("count")).getText().equals("showing 1 of 10000 entries"));
      browser.click(By.xpath("//tbody[@id='rows']/tr[contains(., '/item/9876')]//button"));
      browser.await("its detail", d -> d.findElement(By.id("detail-body")).getText().contains("GET /item/9876"));
      long filtered = System.nanoTime();
      // and new traffic still arrives live
      client.send(HttpRequest.newBuilder(URI.create(http + "/item/9876?again=1")).build(), HttpResponse.BodyHandlers.discarding());
      browser.await("the new entry", d -> d.findElement(By.id("count")).getText().equals("showing 2 of 10001 entries"));
      browser.screenshot("13-ten-thousand-filtered");
      System.out.printf("dashboard with 10,000 entries: requests sent in %d ms, page loaded them in %d ms,"
              + " scroll+filter+detail in %d ms%n",
          (sent - t0) / 1_000_000, (loaded - sent) / 1_000_000, (filtered - loaded) / 1_000_000);
    }
  }
}
