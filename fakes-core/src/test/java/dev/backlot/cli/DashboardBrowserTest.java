package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in headless Chromium against a running launcher (http and comfyui fakes on a
 * manual clock): the page lists the fakes, traffic shows up live, a fault toggled off stops
 * firing, advancing the clock from the page moves a job. Screenshots go to
 * target/dashboard-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

  static final String PROMPT = """
      {"prompt": {
        "3": {"class_type": "KSampler", "inputs": {"cfg": 8, "denoise": 1, "latent_image": ["5", 0],
              "model": ["4", 0], "negative": ["7", 0], "positive": ["6", 0], "sampler_name": "euler",
              "scheduler": "normal", "seed": 7, "steps": 4}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"batch_size": 1, "height": 64, "width": 64}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "a lighthouse"}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "blurry"}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "dash", "images": ["8", 0]}}
      }}
      """;

  private final HttpClient client = HttpClient.newHttpClient();
  private Browser browser;
  private Launcher.Running launcher;
  private String admin;
  private String http;
  private String comfy;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    browser = Browser.open();
    Path config = dir.resolve("backlot.yaml");
    Files.writeString(config, """
        clock: manual
        seed: 11
        fakes:
          http:
            stubs:
              - {method: GET, path: /health, status: 200, json: {ok: true}}
              - {method: GET, path: /flaky, status: 200, body: fine}
          comfyui:
            jobDurationMs: 500
        """);
    launcher = Launcher.start(new String[] {"--fakes", "http,comfyui", "--config", config.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    admin = launcher.endpoints().get("admin");
    http = launcher.endpoints().get("http");
    comfy = launcher.endpoints().get("comfyui");
  }

  @AfterAll
  void stop() {
    if (launcher != null) {
      launcher.close();
    }
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void openPage() throws Exception {
    assertThat(call("POST", admin + "/reset", null).statusCode()).isEqualTo(204);
    call("DELETE", admin + "/fakes/http/faults", null);
    browser.driver.get(admin + "/");
    browser.await("the page connects", d -> Boolean.TRUE.equals(browser.js("return window.BACKLOT_STATS.ready")));
  }

  private HttpResponse<String> call(String method, String url, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<String> rowTexts() {
    return browser.driver.findElements(By.cssSelector("#rows tr.e")).stream().map(WebElement::getText).toList();
  }

  @Test
  void listsEveryFakeWithItsUrlAndState() {
    browser.await("the http card", d -> d.findElement(By.id("fake-http")));
    assertThat(browser.textOf(By.cssSelector("#fake-http .url"))).isEqualTo(http);
    assertThat(browser.textOf(By.cssSelector("#fake-comfyui .url"))).isEqualTo(comfy);
    assertThat(browser.textOf(By.id("fake-http"))).contains("running").contains("fault seed 11").contains("manual clock");
    assertThat(browser.textOf(By.id("fake-comfyui"))).contains("jobs:");
    assertThat(browser.driver.findElement(By.id("clock")).isDisplayed()).as("manual clock controls").isTrue();
    // accessible names: every control of the page has a label
    Object unlabelled = browser.js("""
        return Array.from(document.querySelectorAll('input, select, button'))
          .filter(e => e.offsetParent !== null)
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
          .map(e => e.outerHTML);""");
    assertThat((List<?>) unlabelled).isEmpty();
    browser.screenshot("01-fakes");

    // stopping a fake from the page: its card says so and its port refuses connections
    browser.click(By.id("power-http"));
    browser.await("http shows stopped", d -> d.findElement(By.id("fake-http")).getText().contains("stopped"));
    assertThat(launcher.fakes().fakes().stream().filter(f -> f.name().equals("http")).findFirst().orElseThrow().isRunning()).isFalse();
    browser.screenshot("02-fake-stopped");
    browser.click(By.id("power-http"));
    browser.await("http runs again", d -> d.findElement(By.id("fake-http")).getText().contains("running"));
  }

  @Test
  void aRequestToAFakeAppearsOnTheTimelineWithItsDetail() throws Exception {
    assertThat(call("GET", http + "/health?probe=timeline", null).body()).isEqualTo("{\"ok\":true}");
    browser.await("the request on the timeline",
        d -> rowTexts().stream().anyMatch(t -> t.contains("/health?probe=timeline") && t.contains("200")));
    browser.click(By.xpath("//tbody[@id='rows']/tr[contains(., 'probe=timeline')]//button"));
    WebElement detail = browser.await("the detail", d -> {
      WebElement box = d.findElement(By.id("detail-body"));
      return box.getText().contains("Response body") ? box : null;
    });
    assertThat(detail.getText()).contains("{\"ok\":true}").contains("GET /health?probe=timeline").contains("Request headers");

    // filters: by status class and by fake
    call("GET", http + "/missing", null);
    browser.await("the 404", d -> rowTexts().stream().anyMatch(t -> t.contains("/missing")));
    browser.driver.findElement(By.id("f-status")).sendKeys("4xx");
    browser.await("only the 404 left", d -> rowTexts().size() == 1 && rowTexts().get(0).contains("/missing"));
    assertThat(browser.textOf(By.id("count"))).startsWith("showing 1 of");
    browser.screenshot("03-timeline-filtered");
    browser.driver.findElement(By.id("f-status")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    browser.await("every entry back", d -> rowTexts().size() == 2);

    // keyboard: focus the list, arrow keys select entries
    browser.driver.findElement(By.id("scroller")).sendKeys(Keys.HOME);
    browser.await("the first entry selected by keyboard",
        d -> d.findElements(By.cssSelector("#rows tr.sel")).size() == 1
            && d.findElement(By.cssSelector("#rows tr.sel")).getText().startsWith("#1 "));
    browser.screenshot("04-timeline-detail");
  }

  @Test
  void aFaultToggledOffFromThePageStopsFiring() throws Exception {
    assertThat(call("POST", admin + "/fakes/http/faults",
        "{\"method\": \"GET\", \"path\": \"/flaky\", \"action\": \"status\", \"status\": 503}").statusCode()).isEqualTo(201);
    assertThat(call("GET", http + "/flaky", null).statusCode()).isEqualTo(503);
    WebElement fired = browser.await("the rule fired once",
        d -> d.findElement(By.id("rule-http-0-fired")).getText().equals("1") ? d.findElement(By.id("rule-http-0-fired")) : null);
    assertThat(fired.getText()).isEqualTo("1");
    browser.await("the 503 on the timeline with its fault",
        d -> rowTexts().stream().anyMatch(t -> t.contains("/flaky") && t.contains("503") && t.contains("fault: #1")));
    browser.screenshot("05-fault-fired");

    browser.await("the rule's toggle shows it on", d -> d.findElement(By.id("rule-http-0")).isSelected());
    browser.click(By.id("rule-http-0"));
    browser.await("the rule disabled on the fake", d -> {
      try {
        return Json.parse(call("GET", admin + "/fakes/http/faults", null).body()).at("/rules/0/rule").asText().endsWith("(disabled)");
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(call("GET", http + "/flaky", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", http + "/flaky", null).body()).isEqualTo("fine");
    browser.await("the page shows the rule off, still fired once",
        d -> !d.findElement(By.id("rule-http-0")).isSelected() && d.findElement(By.id("rule-http-0-fired")).getText().equals("1"));
    browser.await("the passing request on the timeline",
        d -> rowTexts().stream().anyMatch(t -> t.contains("/flaky") && t.contains("200")));
    JsonNode rules = Json.parse(call("GET", admin + "/fakes/http/faults", null).body()).get("rules");
    assertThat(rules.get(0).get("fired").asInt()).isEqualTo(1);
    browser.screenshot("06-fault-disabled");

    browser.click(By.id("rule-http-0")); // and on again
    browser.await("enabled again", d -> d.findElement(By.id("rule-http-0")).isSelected());
    assertThat(call("GET", http + "/flaky", null).statusCode()).isEqualTo(503);
  }

  @Test
  void advancingTheManualClockFromThePageMovesAJob() throws Exception {
    HttpResponse<String> queued = call("POST", comfy + "/prompt", PROMPT);
    assertThat(queued.statusCode()).isEqualTo(200);
    String id = Json.parse(queued.body()).get("prompt_id").asText();
    browser.click(By.id("tab-jobs"));
    By job = By.cssSelector("#jobs-body tr[data-job='" + id + "']");
    browser.await("the job queued", d -> d.findElements(job).size() == 1
        && "QUEUED".equals(d.findElement(job).getAttribute("data-state")));
    browser.screenshot("07-job-queued");

    WebElement millis = browser.driver.findElement(By.id("advance-ms"));
    millis.clear();
    millis.sendKeys("1000");
    browser.click(By.id("advance"));
    browser.await("the job succeeded", d -> "SUCCEEDED".equals(d.findElement(job).getAttribute("data-state")));
    assertThat(browser.textOf(job)).contains("QUEUED @").contains("RUNNING @").contains("SUCCEEDED @");
    browser.screenshot("08-job-succeeded");
  }
}
